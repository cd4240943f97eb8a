//! The HTTP surface, through the real server.

mod admin;
mod api;
mod cli;
mod comments;
mod public;
mod syndication;
