//! Use cases shared by the admin, the API, the CLI and imports: each checks the
//! domain rules, writes through the store and says what the page cache must drop.

pub mod article;
pub mod comment;
pub mod intel;
pub mod writer;

pub use article::{save_article, SaveError};
