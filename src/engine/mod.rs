//! The engine: the one pipeline every command, the editor server to come and the
//! cache use (DESIGN.md §4) — sources (a working tree, the index, a commit, with an
//! overlay of planned or unsaved files) in, the catalog and every finding out.
//!
//! It owns the order of the work: the config, the blueprints, then every entity file
//! read and parsed in parallel with each entity checked on the thread that parsed it
//! (the value is still hot in cache), the manifests at the same time, then the index
//! and the graph-wide checks, the manifest and template checks, and positions last,
//! only for files with findings. The model it fills is [`crate::catalog`], which knows
//! nothing of checks; the checks know the model; the command line knows the engine.

mod load;
pub mod positions;
mod recheck;

pub use load::{load, load_sieved, LoadError, LoadOptions, Loaded, Reusable, Sieve};
pub use recheck::recheck;
