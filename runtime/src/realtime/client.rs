//! One connected realtime client: its id, the IP it connected from, the auth bound by its last
//! subscription request, its subscriptions, and a bounded queue of encoded messages that its
//! SSE stream drains. A full queue means the client cannot keep up: it is disconnected rather
//! than slowing anyone else down (the SDKs reconnect and re-subscribe).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use parking_lot::RwLock;
use tokio::sync::mpsc;

use super::topic::Subscription;
use crate::records::tokens::AuthRecord;

/// Why a message was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The queue is full: the client is too slow.
    Full,
    /// The stream is gone.
    Closed,
}

/// A connected client.
#[derive(Debug)]
pub struct Client {
    id: String,
    prefix: Bytes,
    ip: IpAddr,
    state: RwLock<State>,
    queue: mpsc::Sender<Bytes>,
    /// The broker's clock (whole seconds) when the client connected.
    connected_at: u64,
    /// The broker's clock when a message was last queued for the client.
    last_message_at: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    auth: Option<Arc<AuthRecord>>,
    subscriptions: Arc<[Subscription]>,
}

impl Client {
    /// A client with an empty subscription set, connected at `now` on the broker's clock;
    /// returns the receiving end of its queue.
    pub fn new(id: String, ip: IpAddr, capacity: usize, now: u64) -> (Self, mpsc::Receiver<Bytes>) {
        let (queue, rx) = mpsc::channel(capacity.max(1));
        let prefix = super::message::prefix(&id);
        let state = RwLock::new(State::default());
        let last_message_at = AtomicU64::new(now);
        (Self { id, prefix, ip, state, queue, connected_at: now, last_message_at }, rx)
    }

    /// The 40-character client id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `id:<clientId>\n`, written before every message body.
    pub fn prefix(&self) -> &Bytes {
        &self.prefix
    }

    /// The IP the SSE connection came from.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// The auth record bound to the client, if any.
    pub fn auth(&self) -> Option<Arc<AuthRecord>> {
        self.state.read().auth.clone()
    }

    /// Binds (or unbinds) an auth record.
    pub fn set_auth(&self, auth: Option<Arc<AuthRecord>>) {
        self.state.write().auth = auth;
    }

    /// The current subscriptions.
    pub fn subscriptions(&self) -> Arc<[Subscription]> {
        self.state.read().subscriptions.clone()
    }

    /// Replaces every subscription (and the bound auth) at once.
    pub fn set_subscriptions(
        &self,
        subscriptions: Vec<Subscription>,
        auth: Option<Arc<AuthRecord>>,
    ) {
        let mut state = self.state.write();
        state.subscriptions = subscriptions.into();
        state.auth = auth;
    }

    /// Queues a message body (see `message::body`) without waiting, at `now` on the broker's
    /// clock.
    pub fn send(&self, message: Bytes, now: u64) -> Result<(), SendError> {
        self.queue.try_send(message).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SendError::Full,
            mpsc::error::TrySendError::Closed(_) => SendError::Closed,
        })?;
        self.last_message_at.store(now, Ordering::Relaxed);
        Ok(())
    }

    /// Whether the client's stream should end at `now`: no message for `idle` seconds, or
    /// connected for `lifetime` seconds.
    pub fn expired(&self, now: u64, idle: u64, lifetime: u64) -> bool {
        let last = self.last_message_at.load(Ordering::Relaxed);
        now.saturating_sub(last) >= idle || now.saturating_sub(self.connected_at) >= lifetime
    }
}
