//! Use cases shared by the admin, the API, the command line and imports. Each
//! checks every rule, writes through the store in one transaction together
//! with its effects (change notice, mail), tells this process's caches, and
//! reports what changed. A service holds only what it needs and has its own
//! error type; the web layer maps errors to HTTP.

pub mod account;
pub mod article;
pub mod backup;
pub mod comment;
pub mod intel;
pub mod live;
pub mod mailbox;
pub mod media;
pub mod site;
pub mod writer;

pub use article::{Articles, Enrich, SaveError};
