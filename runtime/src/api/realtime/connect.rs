//! `GET /api/realtime`: registers a client and streams its messages as server-sent events,
//! starting with `PB_CONNECT`. The stream ends after 5 minutes without a message or 30 minutes
//! in all (no keep-alive pings, as PocketBase; the SDKs reconnect), and the client is forgotten
//! as soon as its stream is dropped. See `../shared/spec/realtime.md` §2.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header};
use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep};

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
    let stream = ClientStream::new(client.id().to_owned(), client.prefix().clone(), broker, queue);
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
/// out as one chunk, as PocketBase writes it: the client's `id:` line followed by the body
/// shared with the other clients (two chunks per message made each subscriber parse twice the
/// chunk framing). One timer per stream covers both time limits: it is not re-armed per
/// message, only moved on when it fires before the stream has been idle long enough.
struct ClientStream {
    id: String,
    prefix: Bytes,
    broker: Arc<Broker>,
    queue: mpsc::Receiver<Bytes>,
    /// When the last message went out.
    last_message: Instant,
    ends: Instant,
    timer: Pin<Box<Sleep>>,
}

impl ClientStream {
    fn new(id: String, prefix: Bytes, broker: Arc<Broker>, queue: mpsc::Receiver<Bytes>) -> Self {
        let now = Instant::now();
        let ends = now + MAX_LIFETIME;
        let timer = Box::pin(tokio::time::sleep_until((now + IDLE_TIMEOUT).min(ends)));
        Self { id, prefix, broker, queue, last_message: now, ends, timer }
    }

    async fn next(mut self) -> Option<(Result<Bytes, Infallible>, Self)> {
        let body = loop {
            tokio::select! {
                biased;
                body = self.queue.recv() => break body?,
                () = self.timer.as_mut() => {
                    let deadline = (self.last_message + IDLE_TIMEOUT).min(self.ends);
                    if Instant::now() >= deadline {
                        return None;
                    }
                    self.timer.as_mut().reset(deadline);
                }
            }
        };
        self.last_message = Instant::now();
        let message = message::framed(&self.prefix, &body);
        Some((Ok(message), self))
    }
}

impl Drop for ClientStream {
    fn drop(&mut self) {
        tracing::debug!(client = self.id, "realtime client gone");
        self.broker.unregister(&self.id);
    }
}
