//! The HTTP surface, through the real server.

mod admin;
mod api;
mod backups;
mod cache;
mod cli;
mod comments;
mod doctor;
mod durability;
mod edge;
mod faults;
mod intel;
mod limits;
mod live;
mod mail;
mod moving;
mod nodes;
mod privacy;
mod public;
mod search;
mod security;
mod syndication;
mod wordpress;
