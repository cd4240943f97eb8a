//! Dateline: a newsroom's website in one binary.
//!
//! Layers point one way (see `docs/ARCHITECTURE.md`, checked by
//! `tests/layers.rs`): `cli` → `app` → `web` → `import`/`demo` → `service` →
//! `changes`/`queue`/`mail` → `store`/`render`/`media`/`secret` → `config` →
//! `domain`/`intel`. Nothing refers to a layer above its own.

pub mod app;
pub mod changes;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod import;
pub mod intel;
pub mod mail;
pub mod media;
pub mod purge;
pub mod queue;
pub mod render;
pub mod secret;
pub mod service;
pub mod store;
pub mod web;
