//! `GET /api/realtime`: registers a client and streams its messages as server-sent events,
//! starting with `PB_CONNECT`. The stream ends after 5 minutes without a message or 30 minutes
//! in all (no keep-alive pings, as PocketBase; the SDKs reconnect), and the client is forgotten
//! as soon as its stream is dropped. See `../shared/spec/realtime.md` §2.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::app::App;
use crate::http::extract::client_ip::client_ip;
use crate::realtime::{Broker, message};

/// A stream ends after this long without a message.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// A stream ends after this long in any case.
pub const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The handler.
pub async fn connect(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let ip = client_ip(&app.settings().trusted_proxy, &headers, peer);
    let broker = app.realtime().clone();
    let (client, queue) = broker.register(ip);
    broker.deliver(&client, message::connect(client.id()));
    let stream = ClientStream {
        id: client.id().to_owned(),
        prefix: client.prefix().clone(),
        broker,
        queue,
        pending: None,
        ends: Instant::now() + MAX_LIFETIME,
    };
    tracing::debug!(client = stream.id, "realtime client connected");
    let body = futures_util::stream::unfold(stream, ClientStream::next);
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// The state of one client's SSE body; dropping it forgets the client. Every message goes
/// out as two chunks, the client's `id:` line and a body shared with the other clients (hyper
/// writes both with one `writev`), so a fan-out copies nothing per client.
struct ClientStream {
    id: String,
    prefix: Bytes,
    broker: Arc<Broker>,
    queue: mpsc::Receiver<Bytes>,
    /// The body to send after the prefix just sent.
    pending: Option<Bytes>,
    ends: Instant,
}

impl ClientStream {
    async fn next(mut self) -> Option<(Result<Bytes, Infallible>, Self)> {
        if let Some(body) = self.pending.take() {
            return Some((Ok(body), self));
        }
        let deadline = (Instant::now() + IDLE_TIMEOUT).min(self.ends);
        let Ok(Some(body)) = tokio::time::timeout_at(deadline, self.queue.recv()).await else {
            return None;
        };
        self.pending = Some(body);
        Some((Ok(self.prefix.clone()), self))
    }
}

impl Drop for ClientStream {
    fn drop(&mut self) {
        tracing::debug!(client = self.id, "realtime client gone");
        self.broker.unregister(&self.id);
    }
}
