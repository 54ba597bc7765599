//! Entities and answers written as YAML people want to read: the keys of an entity in
//! the order of DESIGN.md §3 (identifier, title, blueprint, … properties, relations),
//! not alphabetically.

use serde_json::Value;

/// The order of an entity's top-level keys; others follow, alphabetically.
const ENTITY_KEYS: &[&str] = &[
    "identifier",
    "title",
    "blueprint",
    "icon",
    "description",
    "team",
    "properties",
    "relations",
];

/// The order of an answers file's keys.
pub const ANSWER_KEYS: &[&str] = &["template", "version", "now", "inputs"];

/// `value` as a YAML document, entity keys first in their usual order.
pub fn to_yaml(value: &Value) -> Result<String, String> {
    to_yaml_ordered(value, ENTITY_KEYS)
}

/// `value` as a YAML document, the top-level keys in `order` first.
pub fn to_yaml_ordered(value: &Value, order: &[&str]) -> Result<String, String> {
    let Value::Object(map) = value else {
        return yaml_serde::to_string(value).map_err(|e| e.to_string());
    };
    let mut ordered = yaml_serde::Mapping::new();
    let known = order.iter().filter_map(|k| map.get_key_value(*k));
    let rest = map.iter().filter(|(k, _)| !order.contains(&k.as_str()));
    for (key, value) in known.chain(rest) {
        let value = yaml_serde::to_value(value).map_err(|e| e.to_string())?;
        ordered.insert(yaml_serde::Value::String(key.clone()), value);
    }
    yaml_serde::to_string(&ordered).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entity_keys_come_in_their_usual_order() {
        let yaml = to_yaml(&json!({
            "relations": {"system": "Cart"}, "blueprint": "Component",
            "identifier": "cart", "properties": {"app": "cart"}, "title": "Cart"
        }))
        .unwrap();
        assert_eq!(
            yaml,
            "identifier: cart\ntitle: Cart\nblueprint: Component\nproperties:\n  app: cart\nrelations:\n  system: Cart\n"
        );
    }
}
