//! The built-in blueprints, embedded in the binary (DESIGN.md §3).
//!
//! They are the seed article's five (Domain, System, Component, API, Resource, with
//! the Component additions the platform needs), Port's `_team` and `_user`, and the
//! blueprints the built-in templates work on (Environment, Customer, Model). A
//! repository blueprint with the same identifier replaces one; `blueprints.builtins:
//! false` turns them all off. They change only with a major version.

/// `(identifier, JSON text)` of every built-in blueprint.
pub const BLUEPRINTS: &[(&str, &str)] = &[
    ("Domain", include_str!("../../blueprints/Domain.json")),
    ("System", include_str!("../../blueprints/System.json")),
    ("Component", include_str!("../../blueprints/Component.json")),
    ("API", include_str!("../../blueprints/API.json")),
    ("Resource", include_str!("../../blueprints/Resource.json")),
    (
        "Environment",
        include_str!("../../blueprints/Environment.json"),
    ),
    ("Customer", include_str!("../../blueprints/Customer.json")),
    ("Model", include_str!("../../blueprints/Model.json")),
    ("_team", include_str!("../../blueprints/_team.json")),
    ("_user", include_str!("../../blueprints/_user.json")),
];

/// The path a built-in blueprint is reported under.
pub fn path(identifier: &str) -> String {
    format!("<builtin>/{identifier}.json")
}
