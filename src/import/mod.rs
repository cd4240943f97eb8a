//! Bringing content in from files: Markdown with YAML front matter.

pub mod frontmatter;
pub mod markdown;
