//! portolan's one integration-test binary: it drives the real `portolan` binary on
//! fixture repositories in temporary directories and asserts what a user sees
//! (exit codes, stdout JSON, messages).

mod fakes;
mod util;

mod answers;
mod apply;
mod confined;
mod corpus;
mod day2;
mod day2_kept;
mod day2_platform;
mod day2_sdlc;
mod generated;
mod git;
mod hostile_size;
mod hostile_templates;
mod layout;
mod manifests;
mod orders;
mod pull_requests;
mod query;
mod rules;
mod synthetic;
mod templates;
