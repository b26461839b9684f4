//! A small HTTP client for tests: sends exactly what the test says (no redirects followed, no
//! extra headers) and returns the whole exchange.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// One request/response pair.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Raw body.
    pub body: Vec<u8>,
}

impl Exchange {
    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A response header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What to send as the body.
#[derive(Clone, Debug, Default)]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// A JSON value (`Content-Type: application/json`).
    Json(Value),
    /// Bytes with an explicit content type (`None` = no Content-Type header).
    Raw(Option<String>, Vec<u8>),
    /// A multipart form.
    Multipart(Vec<Part>),
    /// Announces a body of this many bytes (`Content-Length`) with this content type but sends
    /// none of it: enough for a server that answers 413 from the header alone.
    Declared(String, u64),
}

/// One part of a multipart form.
#[derive(Clone, Debug)]
pub enum Part {
    /// A text field.
    Text(String, String),
    /// A file: field name, file name, content type, bytes.
    File(String, String, String, Vec<u8>),
}

impl Part {
    /// A text part.
    pub fn text(name: &str, value: &str) -> Self {
        Self::Text(name.to_owned(), value.to_owned())
    }

    /// A file part.
    pub fn file(name: &str, filename: &str, content_type: &str, data: &[u8]) -> Self {
        Self::File(name.to_owned(), filename.to_owned(), content_type.to_owned(), data.to_vec())
    }
}

/// An HTTP client bound to one server.
#[derive(Clone, Debug)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    /// A client for `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { base: base.trim_end_matches('/').to_owned(), http }
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request; `path` starts with `/`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(String, String)],
        body: &Body,
    ) -> anyhow::Result<Exchange> {
        if let Body::Declared(content_type, length) = body {
            return self.send_declared(method, path, headers, content_type, *length).await;
        }
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request = match body {
            Body::None => request,
            Body::Json(value) => {
                request.header("content-type", "application/json").body(value.to_string())
            }
            Body::Declared(..) => request,
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    form = match part {
                        Part::Text(name, value) => form.text(name.clone(), value.clone()),
                        Part::File(name, filename, content_type, data) => {
                            let file = reqwest::multipart::Part::bytes(data.clone())
                                .file_name(filename.clone())
                                .mime_str(content_type)
                                .unwrap_or_else(|_| reqwest::multipart::Part::bytes(data.clone()));
                            form.part(name.clone(), file)
                        }
                    };
                }
                request.multipart(form)
            }
            Body::Raw(content_type, bytes) => {
                let request = match content_type {
                    Some(ct) => request.header("content-type", ct.as_str()),
                    None => request,
                };
                request.body(bytes.clone())
            }
        };
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Exchange { status, headers, body })
    }

    async fn send_declared(
        &self,
        method: Method,
        path: &str,
        headers: &[(String, String)],
        content_type: &str,
        length: u64,
    ) -> anyhow::Result<Exchange> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.base.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n"
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        let mut raw = Vec::new();
        let _ =
            tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut raw))
                .await;
        parse_raw_response(&raw)
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> anyhow::Result<Exchange> {
        self.send(Method::GET, path, &[], &Body::None).await
    }

    /// GET `path` with an `Authorization` token.
    pub async fn get_as(&self, path: &str, token: &str) -> anyhow::Result<Exchange> {
        self.send(Method::GET, path, &[("authorization".into(), token.into())], &Body::None).await
    }

    /// POST JSON to `path`.
    pub async fn post_json(&self, path: &str, body: Value) -> anyhow::Result<Exchange> {
        self.send(Method::POST, path, &[], &Body::Json(body)).await
    }

    /// Logs in with a password and returns the token.
    pub async fn login(
        &self,
        collection: &str,
        identity: &str,
        password: &str,
    ) -> anyhow::Result<String> {
        let exchange = self
            .post_json(
                &format!("/api/collections/{collection}/auth-with-password"),
                serde_json::json!({"identity": identity, "password": password}),
            )
            .await?;
        anyhow::ensure!(
            exchange.status == 200,
            "login failed: {} {}",
            exchange.status,
            exchange.text()
        );
        exchange.json()["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("no token"))
    }
}

fn parse_raw_response(raw: &[u8]) -> anyhow::Result<Exchange> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no response head"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("bad status line"))?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()),
            reqwest::header::HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    let mut body = raw[split + 4..].to_vec();
    if let Some(length) = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        body.truncate(length);
    }
    Ok(Exchange { status, headers, body })
}
