//! `GET /api/realtime`: registers a client and streams its messages as server-sent events,
//! starting with `PB_CONNECT`. The broker ends the stream after 5 minutes without a message or
//! 30 minutes in all (no keep-alive pings, as PocketBase; the SDKs reconnect), and the client is
//! forgotten as soon as its stream is dropped. See `../shared/spec/realtime.md` §2.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use bytes::Bytes;
use futures_util::Stream;
use http::{HeaderMap, HeaderValue, header};
use tokio::sync::mpsc;

use crate::app::App;
use crate::http::extract::client_ip::client_ip;
use crate::realtime::{Broker, message};

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
    let stream =
        ClientStream { id: client.id().to_owned(), prefix: client.prefix().clone(), broker, queue };
    tracing::debug!(client = stream.id, "realtime client connected");
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// One client's SSE body: every queued message goes out as one chunk, as PocketBase writes it
/// (the client's `id:` line, then the body shared with the other clients). The stream ends when
/// the broker lets go of the client (time limits, a full queue); dropping it forgets the client.
struct ClientStream {
    id: String,
    prefix: Bytes,
    broker: Arc<Broker>,
    queue: mpsc::Receiver<Bytes>,
}

impl Stream for ClientStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.queue
            .poll_recv(cx)
            .map(|body| body.map(|body| Ok(message::framed(&this.prefix, &body))))
    }
}

impl Drop for ClientStream {
    fn drop(&mut self) {
        tracing::debug!(client = self.id, "realtime client gone");
        self.broker.unregister(&self.id);
    }
}
