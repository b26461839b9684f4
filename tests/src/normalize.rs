//! Makes two servers' answers comparable: record ids become `<id:N>` by order of first
//! appearance, PocketBase datetimes become `<date>`, JWTs become their claims with `exp`
//! masked. Everything else must match exactly.

use std::collections::HashMap;

use base64::Engine;
use serde_json::{Map, Value};

/// Placeholders handed out so far (one map per server run).
#[derive(Clone, Debug, Default)]
pub struct Normalizer {
    ids: HashMap<String, String>,
}

impl Normalizer {
    /// Normalises a JSON value.
    pub fn value(&mut self, value: &Value) -> Value {
        match value {
            Value::String(s) => self.string(s),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.value(v))).collect())
            }
            other => other.clone(),
        }
    }

    fn string(&mut self, text: &str) -> Value {
        if text.starts_with("_clone_") {
            return Value::from("<clone-id>");
        }
        if is_datetime(text) {
            return Value::from("<date>");
        }
        if is_record_id(text) {
            let next = self.ids.len() + 1;
            return Value::from(
                self.ids.entry(text.to_owned()).or_insert_with(|| format!("<id:{next}>")).clone(),
            );
        }
        if let Some(claims) = jwt_claims(text) {
            let normalized: Map<String, Value> = claims
                .into_iter()
                .map(
                    |(k, v)| {
                        if k == "exp" { (k, Value::from("<exp>")) } else { (k, self.value(&v)) }
                    },
                )
                .collect();
            return Value::from(format!("<jwt:{}>", Value::Object(normalized)));
        }
        Value::from(text)
    }
}

fn is_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16 | 19 | 23) || c.is_ascii_digit())
}

fn is_record_id(text: &str) -> bool {
    text.len() == 15 && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn jwt_claims(text: &str) -> Option<Map<String, Value>> {
    let mut parts = text.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || signature.is_empty() || !header.starts_with("eyJ") {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn masks_ids_dates_and_tokens() {
        let mut n = Normalizer::default();
        let value = json!({"id": "abc123def456ghi", "other": "abc123def456ghi", "created": "2026-11-24 11:52:37.580Z", "name": "x"});
        assert_eq!(
            n.value(&value),
            json!({"id": "<id:1>", "other": "<id:1>", "created": "<date>", "name": "x"})
        );
    }
}
