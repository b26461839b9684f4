//! The `?fields=` picker: keeps only the listed paths of a JSON response (`id,expand.author.name`,
//! `*` for every key at a level, `field:excerpt(max[,withEllipsis])`), element-wise through
//! arrays; unknown paths are ignored. See `../shared/spec/records.md` (fields).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::excerpt::excerpt;

/// A parsed `fields` parameter: a tree of keys.
#[derive(Debug, Default, PartialEq)]
pub struct FieldsPicker {
    root: Node,
}

#[derive(Debug, Default, PartialEq)]
struct Node {
    children: BTreeMap<String, Node>,
    /// `*` at this level: keep every key (children still narrow the listed ones).
    all: bool,
    /// `*:excerpt(...)`: applied to the string values of the keys not listed by name.
    all_excerpt: Option<(usize, bool)>,
    /// Leaf: keep the whole value.
    whole: bool,
    excerpt: Option<(usize, bool)>,
}

/// Why a `fields` parameter is invalid.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid fields parameter: {0}")]
pub struct FieldsError(String);

impl FieldsPicker {
    /// Parses a comma-separated list of dotted paths with optional `:excerpt(...)`.
    pub fn parse(raw: &str) -> Result<Self, FieldsError> {
        let mut picker = Self::default();
        for item in split_top_level(raw) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (path, modifier) = match item.split_once(':') {
                Some((path, modifier)) => (path, Some(modifier)),
                None => (item, None),
            };
            let excerpt = modifier.map(parse_excerpt).transpose()?;
            let mut node = &mut picker.root;
            let parts: Vec<&str> = path.split('.').collect();
            for (i, part) in parts.iter().enumerate() {
                let part = part.trim();
                if part == "*" {
                    // As for a named key, the last `*` listed decides the modifier.
                    node.all = true;
                    node.all_excerpt = excerpt;
                    break;
                }
                node = node.children.entry(part.to_owned()).or_default();
                if i + 1 == parts.len() {
                    node.whole = true;
                    node.excerpt = excerpt;
                }
            }
        }
        Ok(picker)
    }

    /// Whether the picker keeps everything (empty parameter).
    pub fn is_empty(&self) -> bool {
        self.root.children.is_empty() && !self.root.all
    }

    /// Applies the picker to a value (objects narrowed, arrays element-wise).
    pub fn apply(&self, value: Value) -> Value {
        if self.is_empty() {
            return value;
        }
        pick(&self.root, value)
    }
}

fn pick(node: &Node, value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(|v| pick(node, v)).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child_value) in map {
                match node.children.get(&key) {
                    Some(child) => {
                        out.insert(key, pick_child(child, child_value));
                    }
                    None if node.all => {
                        out.insert(key, shorten(child_value, node.all_excerpt));
                    }
                    None => {}
                }
            }
            Value::Object(out)
        }
        other => other,
    }
}

/// `value` through an `:excerpt` modifier, if any (strings only; other values as they are).
fn shorten(value: Value, modifier: Option<(usize, bool)>) -> Value {
    match (value, modifier) {
        (Value::String(text), Some((max, ellipsis))) => {
            Value::String(excerpt(&text, max, ellipsis))
        }
        (value, _) => value,
    }
}

fn pick_child(node: &Node, value: Value) -> Value {
    if node.excerpt.is_some() {
        return shorten(value, node.excerpt);
    }
    if node.children.is_empty() && !node.all {
        return value;
    }
    pick(node, value)
}

fn parse_excerpt(modifier: &str) -> Result<(usize, bool), FieldsError> {
    let error = || FieldsError(format!("invalid modifier {modifier:?}"));
    let args = modifier
        .trim()
        .strip_prefix("excerpt(")
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or_else(error)?;
    let parts: Vec<&str> = args.split(',').map(str::trim).collect();
    if parts.is_empty() || parts.len() > 2 {
        return Err(error());
    }
    let max: usize = parts[0].parse().map_err(|_| error())?;
    if max == 0 {
        return Err(error());
    }
    let ellipsis = match parts.get(1) {
        None => false,
        Some(flag) => parse_bool(flag).ok_or_else(error)?,
    };
    Ok((max, ellipsis))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(raw: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in raw.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&raw[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&raw[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn apply(fields: &str, value: Value) -> Value {
        FieldsPicker::parse(fields).unwrap().apply(value)
    }

    #[test]
    fn keeps_listed_paths_only() {
        let value = json!({"record": {"id": "a", "email": "e", "name": "n"}, "token": "t"});
        assert_eq!(apply("token", value.clone()), json!({"token": "t"}));
        assert_eq!(
            apply("record.email,record.name", value.clone()),
            json!({"record": {"email": "e", "name": "n"}})
        );
        assert_eq!(apply("record.id,nope", value), json!({"record": {"id": "a"}}));
    }

    #[test]
    fn star_keeps_everything_at_its_level() {
        let value = json!({"a": 1, "expand": {"x": {"id": 1, "name": "n"}}});
        assert_eq!(
            apply("*,expand.x.name", value),
            json!({"a": 1, "expand": {"x": {"name": "n"}}})
        );
    }

    #[test]
    fn arrays_are_picked_element_wise() {
        let value = json!({"tags": [{"name": "go", "id": 1}, {"name": "js", "id": 2}]});
        assert_eq!(apply("tags.name", value), json!({"tags": [{"name": "go"}, {"name": "js"}]}));
    }

    #[test]
    fn excerpt_modifier_shortens_text() {
        let value = json!({"body": "<p>Title</p><p>Some long paragraph here</p>", "id": "x"});
        assert_eq!(
            apply("id,body:excerpt(20,true)", value),
            json!({"body": "Title Some long para...", "id": "x"})
        );
        assert!(FieldsPicker::parse("body:excerpt(0)").is_err());
        assert!(FieldsPicker::parse("body:nope").is_err());
    }

    #[test]
    fn the_last_mention_of_a_key_decides_its_modifier() {
        let value = json!({"body": "Some long body", "title": "Hello"});
        assert_eq!(apply("body:excerpt(4),body", value.clone()), json!({"body": "Some long body"}));
        assert_eq!(apply("body,body:excerpt(4)", value.clone()), json!({"body": "Some"}));
        assert_eq!(apply("title:excerpt(2),title:excerpt(4)", value), json!({"title": "Hell"}));
    }

    #[test]
    fn star_with_excerpt_shortens_the_strings_not_listed_by_name() {
        let value = json!({"id": "abcdef", "title": "Hello world", "n": 5, "tags": {"a": "long"}});
        assert_eq!(
            apply("id,title:excerpt(4),*:excerpt(2,true)", value),
            json!({"id": "abcdef", "title": "Hell", "n": 5, "tags": {"a": "long"}})
        );
        let value = json!({"id": "abcdef", "p": "p"});
        assert_eq!(apply("*:excerpt(3)", value), json!({"id": "abc", "p": "p"}));
    }
}
