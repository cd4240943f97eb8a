//! Writing a WordPress export.
