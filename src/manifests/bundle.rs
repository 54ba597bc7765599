//! placeholder until the bundle lands
