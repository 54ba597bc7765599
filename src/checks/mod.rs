//! The checks: one file per family of rules. Each returns findings; none prints.

pub mod blueprints;
pub mod entity;
pub mod graph;
pub mod manifests;
pub mod properties;
pub mod relations;
