//! The HTTP surface, through the real server.

mod admin;
mod api;
mod cli;
mod public;
mod syndication;
