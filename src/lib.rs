//! portolan: an internal developer portal in the terminal, with one Git repository as
//! its database.
//!
//! The modules follow the data flow of DESIGN.md §4: a [`source`] gives bytes, the
//! [`catalog`] loads blueprints and entities from them, [`checks`] produce
//! [`diagnostic`]s, and [`output`] renders them. Everything is testable without the
//! binary; only `output` prints results (clippy enforces it).

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod catalog;
pub mod changeset;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod faults;
pub mod forge;
pub mod git;
pub mod jq;
pub mod manifests;
pub mod output;
pub mod rules;
pub mod safe_fs;
pub mod schema;
pub mod source;
pub mod state;
pub mod synth;
pub mod template;
pub mod time;
