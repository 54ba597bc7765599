//! placeholder until CRD conversion lands
