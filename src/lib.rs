//! Dateline: a newsroom's website in one binary.
//!
//! Layers point one way: `web` and `cli` use `domain`, `store`, `render`,
//! `media` and `import`; `domain` uses nothing of the others.

pub mod app;
pub mod changes;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
pub mod intel;
pub mod mail;
pub mod media;
pub mod render;
pub mod service;
pub mod store;
pub mod web;
