//! Integration tests: one binary, the real server on a free port with a
//! temporary data folder and a real database.

mod common;
mod pg;
mod store;
mod web;
