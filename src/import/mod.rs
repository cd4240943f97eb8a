//! Bringing content in from files: Markdown with YAML front matter, and
//! WordPress exports (WXR), which also go back out.

pub mod frontmatter;
pub mod markdown;
pub mod wordpress;
