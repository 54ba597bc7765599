//! portolan: a budget for one evaluation, charged as the evaluation goes.
//!
//! This module is not part of upstream jaq-core; see `README.md` of this folder.
//!
//! A Rust thread cannot be stopped from outside, so a filter that loops, recurses or
//! grows without end must stop itself. The interpreter asks its [`Meter`] before each
//! piece of work, and the embedder decides what the work costs and when enough is
//! enough. Once the meter says no, the evaluation yields an exception that `try` and
//! `?` cannot catch (so a filter cannot swallow it and carry on) and that
//! [`crate::Filter::run`] turns into an error.

use crate::ops::Math;

/// What one evaluation may still spend. Every method answers whether the evaluation
/// may go on; once one has said `false`, all must keep saying it.
pub trait Meter<V> {
    /// One step: a filter applied, or a value produced by a path or a native filter.
    /// This is also where the embedder can check how deep the native stack has grown.
    fn step(&self) -> bool;

    /// A value built by the evaluation, or about to be read whole (rendered as text,
    /// given to a native filter, compared): its size and nesting are the work.
    fn value(&self, v: &V) -> bool;

    /// `v` is about to be changed in place (`+`, path updates): it is copied first
    /// unless nothing else holds it.
    fn copy(&self, v: &V) -> bool;

    /// `l op r`, before it is computed (`"x" * 1e12` must be refused, not tried).
    fn math(&self, l: &V, op: Math, r: &V) -> bool;

    /// `l` and `r` are about to be compared.
    fn compare(&self, l: &V, r: &V) -> bool;

    /// A native filter is about to run on `input` with `args` (the values of its
    /// variable arguments): it may read them whole, and some take time proportional
    /// to the product of their sizes (a regular expression or `indices`).
    fn native(&self, input: &V, args: &mut dyn Iterator<Item = &V>) -> bool;
}

/// The meter of a context made by [`crate::Ctx::new`]: no limit, as upstream.
pub(crate) struct Unlimited;

impl<V> Meter<V> for Unlimited {
    fn step(&self) -> bool {
        true
    }
    fn value(&self, _: &V) -> bool {
        true
    }
    fn copy(&self, _: &V) -> bool {
        true
    }
    fn math(&self, _: &V, _: Math, _: &V) -> bool {
        true
    }
    fn compare(&self, _: &V, _: &V) -> bool {
        true
    }
    fn native(&self, _: &V, _: &mut dyn Iterator<Item = &V>) -> bool {
        true
    }
}
