//! Reading what `pb_handle` answered (`wasmbase_abi::Response`, see `docs/hooks-abi.md`) in one
//! pass: the answer's fields are read into one flat struct instead of through serde's buffered
//! internally-tagged enum, and a `respond` body is kept as the guest's JSON text instead of being
//! parsed and written again.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A hook's answer.
#[derive(Debug)]
pub enum Answer<'a> {
    /// Go on, with a patch.
    Continue {
        /// Fields to set.
        set: Map<String, Value>,
        /// Fields to reset.
        unset: Vec<String>,
    },
    /// Stop with PocketBase's error envelope.
    Reject {
        /// HTTP status (not clamped yet).
        status: u16,
        /// The message.
        message: String,
        /// Field errors.
        data: Map<String, Value>,
    },
    /// Answer the request.
    Respond {
        /// HTTP status.
        status: u16,
        /// Extra headers.
        headers: Map<String, Value>,
        /// A JSON body, as the guest wrote it.
        body: Option<&'a RawValue>,
        /// A text body.
        text: Option<String>,
    },
}

#[derive(Deserialize)]
struct Flat<'a> {
    #[serde(borrow)]
    action: std::borrow::Cow<'a, str>,
    status: Option<u16>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: Map<String, Value>,
    #[serde(default)]
    set: Map<String, Value>,
    #[serde(default)]
    unset: Vec<String>,
    #[serde(default)]
    headers: Map<String, Value>,
    #[serde(borrow)]
    body: Option<&'a RawValue>,
    text: Option<String>,
}

/// Reads an answer; the error says why it is not one.
pub fn parse(bytes: &[u8]) -> Result<Answer<'_>, String> {
    let flat: Flat<'_> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    match flat.action.as_ref() {
        "continue" => Ok(Answer::Continue { set: flat.set, unset: flat.unset }),
        "reject" => Ok(Answer::Reject {
            status: flat.status.unwrap_or(400),
            message: flat.message,
            data: flat.data,
        }),
        "respond" => Ok(Answer::Respond {
            status: flat.status.unwrap_or(200),
            headers: flat.headers,
            // `"body": null` reads as `None`, as it did as `Option<Value>`.
            body: flat.body,
            text: flat.text,
        }),
        other => Err(format!(
            "unknown variant `{other}`, expected one of `continue`, `reject`, `respond`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasmbase_abi::Response;

    use super::*;

    /// The answer as `wasmbase_abi::Response` reads it, in this module's shape.
    fn by_abi(bytes: &[u8]) -> Option<(String, Option<u16>, Value)> {
        Some(match serde_json::from_slice::<Response>(bytes).ok()? {
            Response::Continue { set, unset } => {
                ("continue".into(), None, json!({"set": set, "unset": unset}))
            }
            Response::Reject { status, message, data } => {
                ("reject".into(), Some(status), json!({"message": message, "data": data}))
            }
            Response::Respond { status, headers, body, text } => (
                "respond".into(),
                Some(status),
                json!({"headers": headers, "body": body, "text": text}),
            ),
        })
    }

    fn by_parse(bytes: &[u8]) -> Option<(String, Option<u16>, Value)> {
        Some(match parse(bytes).ok()? {
            Answer::Continue { set, unset } => {
                ("continue".into(), None, json!({"set": set, "unset": unset}))
            }
            Answer::Reject { status, message, data } => {
                ("reject".into(), Some(status), json!({"message": message, "data": data}))
            }
            Answer::Respond { status, headers, body, text } => {
                let body: Option<Value> = body.map(|b| serde_json::from_str(b.get()).unwrap());
                (
                    "respond".into(),
                    Some(status),
                    json!({"headers": headers, "body": body, "text": text}),
                )
            }
        })
    }

    #[test]
    fn answers_read_as_the_abi_reads_them() {
        let answers = [
            r#"{"action":"continue"}"#,
            r#"{"action":"continue","set":{"slug":"a-b","n":1.5},"unset":["x"]}"#,
            r#"{"action":"reject"}"#,
            r#"{"action":"reject","status":422,"message":"No.","data":{"t":{"code":"c","message":"m"}}}"#,
            r#"{"action":"respond"}"#,
            r#"{"status":201,"action":"respond","headers":{"x-a":"1"},"body":{"b":[1,2,{"c":null}]}}"#,
            r#"{"action":"respond","body":null,"text":"hi\n"}"#,
            r#"{"action":"respond","body":"\u00fc","extra":{"ignored":true}}"#,
            r#"{"action":"Continue"}"#,
            r#"{"action":"maybe"}"#,
            r#"{"set":{}}"#,
            r#"{"action":"reject","status":-1}"#,
            r#"{"action":"reject","status":"400"}"#,
            r#"[]"#,
            r#"{"action":"respond","body":{"#,
            "",
        ];
        for answer in answers {
            assert_eq!(by_parse(answer.as_bytes()), by_abi(answer.as_bytes()), "{answer}");
        }
    }

    #[test]
    fn a_respond_body_keeps_the_guests_bytes() {
        let Ok(Answer::Respond { body: Some(body), .. }) =
            parse(br#"{"action":"respond","body":{"z":1,"a":[true]}}"#)
        else {
            panic!("not a respond answer with a body");
        };
        assert_eq!(body.get(), r#"{"z":1,"a":[true]}"#);
        assert!(parse(br#"{"action":"stop"}"#).unwrap_err().contains("unknown variant `stop`"));
    }
}
