//! `http.fetch`: outbound HTTP for hooks, only to hosts on the module's allowlist (server
//! config), with a timeout and a response-size cap; refused inside transactions (a slow remote
//! must not hold SQLite's only writer). Plain `http://` only for now (no TLS stack built in).

use serde::Deserialize;
use serde_json::{Map, Value, json};
use wasmbase_abi::CallError;

use super::ops::OpContext;

#[derive(Deserialize)]
struct FetchRequest {
    #[serde(default = "get")]
    method: String,
    url: String,
    #[serde(default)]
    headers: Map<String, Value>,
    #[serde(default)]
    body: Option<String>,
}

fn get() -> String {
    "GET".to_owned()
}

fn fail(code: &str, message: impl Into<String>) -> CallError {
    CallError { code: code.to_owned(), error: message.into(), data: Map::new() }
}

/// Whether `url` is on `allow` (`host`, `host:port` or `*`).
pub fn allowed(allow: &[String], url: &url::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let with_port = url.port_or_known_default().map(|p| format!("{host}:{p}"));
    allow.iter().any(|entry| {
        entry == "*"
            || entry.eq_ignore_ascii_case(host)
            || with_port.as_deref().is_some_and(|hp| entry.eq_ignore_ascii_case(hp))
    })
}

/// Runs one fetch.
pub async fn fetch(context: &OpContext, request: &[u8]) -> Result<Value, CallError> {
    let request: FetchRequest = serde_json::from_slice(request)
        .map_err(|e| fail("bad_request", format!("malformed request: {e}")))?;
    let scope = context.scope.as_ref().ok_or_else(|| fail("forbidden", "no host calls here"))?;
    let url =
        url::Url::parse(&request.url).map_err(|e| fail("bad_request", format!("bad url: {e}")))?;
    if url.scheme() != "http" {
        return Err(fail("bad_request", "only http:// URLs are supported"));
    }
    if !allowed(&context.module.allow_hosts, &url) {
        return Err(fail(
            "forbidden",
            format!(
                "{} is not on the allowlist of module {}",
                url.host_str().unwrap_or_default(),
                context.module.name
            ),
        ));
    }
    let method = reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| fail("bad_request", "bad method"))?;
    let hooks = scope.app.hooks();
    let limits = &context.module.limits;
    let mut builder = hooks.http_client().request(method, url).timeout(limits.fetch_timeout);
    for (name, value) in &request.headers {
        builder = builder
            .header(name.as_str(), value.as_str().map_or_else(|| value.to_string(), str::to_owned));
    }
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    let mut response = builder.send().await.map_err(|e| fail("http", e.to_string()))?;
    let status = response.status().as_u16();
    let headers: Map<String, Value> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), Value::from(v.to_str().unwrap_or_default())))
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail("http", e.to_string()))? {
        body.extend_from_slice(&chunk);
        if body.len() > limits.fetch_body {
            return Err(fail("http", format!("response larger than {} bytes", limits.fetch_body)));
        }
    }
    Ok(json!({ "status": status, "headers": headers, "body": String::from_utf8_lossy(&body) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_matches_host_or_host_and_port() {
        let url = url::Url::parse("http://api.example.test:8080/x").unwrap();
        assert!(allowed(&["api.example.test".to_owned()], &url));
        assert!(allowed(&["api.example.test:8080".to_owned()], &url));
        assert!(!allowed(&["api.example.test:80".to_owned()], &url));
        assert!(!allowed(&["example.test".to_owned()], &url));
        assert!(allowed(&["*".to_owned()], &url));
    }
}
