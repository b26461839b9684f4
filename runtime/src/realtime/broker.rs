//! The registry of connected realtime clients: registration with a fresh random id, lookup for
//! subscription requests, snapshots for dispatch, removal when a stream ends, a client falls
//! behind or its time is up (see [`run_sweeper`]). Also the hand-over point for custom messages
//! (`@oauth2`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::RwLock;
use tokio::sync::mpsc;

use super::client::{Client, SendError};
use super::message;
use crate::model::id::{SECRET_ALPHABET, random_string};
use crate::model::{Collection, CollectionSet};

/// Messages a client may have queued before it counts as too slow.
pub const QUEUE_CAPACITY: usize = 1024;
/// A stream ends after this long without a message (PocketBase: 5 minutes; no keep-alive pings
/// are sent, the SDKs reconnect).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// A stream ends after this long in any case (PocketBase: 30 minutes).
pub const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// How often the sweeper advances the broker's clock and ends expired streams.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Every connected client.
#[derive(Debug, Default)]
pub struct Broker {
    clients: RwLock<HashMap<String, Arc<Client>>>,
    /// Whole seconds since the sweeper started: a clock that costs a load to read, precise
    /// enough for the stream time limits.
    clock: AtomicU64,
}

impl Broker {
    /// An empty broker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a new client connected from `ip`; returns it and its message queue.
    pub fn register(&self, ip: IpAddr) -> (Arc<Client>, mpsc::Receiver<Bytes>) {
        let mut clients = self.clients.write();
        let id = loop {
            let id = random_string(40, SECRET_ALPHABET);
            if !clients.contains_key(&id) {
                break id;
            }
        };
        let (client, rx) = Client::new(id.clone(), ip, QUEUE_CAPACITY, self.now());
        let client = Arc::new(client);
        clients.insert(id, client.clone());
        (client, rx)
    }

    /// Removes a client (its stream ends once the last handle is gone).
    pub fn unregister(&self, id: &str) {
        self.clients.write().remove(id);
    }

    /// The client with `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Client>> {
        self.clients.read().get(id).cloned()
    }

    /// How many clients are connected.
    pub fn len(&self) -> usize {
        self.clients.read().len()
    }

    /// Whether no client is connected.
    pub fn is_empty(&self) -> bool {
        self.clients.read().is_empty()
    }

    /// Every connected client now.
    pub fn snapshot(&self) -> Vec<Arc<Client>> {
        self.clients.read().values().cloned().collect()
    }

    /// The broker's clock: whole seconds.
    fn now(&self) -> u64 {
        self.clock.load(Ordering::Relaxed)
    }

    /// Sets the clock to `now` and removes every client whose stream has been idle for
    /// [`IDLE_TIMEOUT`] or open for [`MAX_LIFETIME`]: its stream ends once it has sent what is
    /// queued (the last handle on the queue's sending side goes with the client).
    pub fn tick(&self, now: u64) {
        self.clock.store(now, Ordering::Relaxed);
        let (idle, lifetime) = (IDLE_TIMEOUT.as_secs(), MAX_LIFETIME.as_secs());
        let expired: Vec<Arc<Client>> = self
            .clients
            .read()
            .values()
            .filter(|client| client.expired(now, idle, lifetime))
            .cloned()
            .collect();
        if expired.is_empty() {
            return;
        }
        let mut clients = self.clients.write();
        for client in expired {
            tracing::debug!(client = client.id(), "realtime stream's time is up");
            clients.remove(client.id());
        }
    }

    /// Queues a message body for `client`; a client that cannot take it is disconnected.
    pub fn deliver(&self, client: &Client, message: Bytes) {
        match client.send(message, self.now()) {
            Ok(()) => {}
            Err(SendError::Full) => {
                tracing::warn!(client = client.id(), "realtime client too slow; disconnecting");
                self.unregister(client.id());
            }
            Err(SendError::Closed) => self.unregister(client.id()),
        }
    }

    /// After a schema change: unbinds clients whose auth collection is gone or whose auth token
    /// secret changed (every token of it is invalid now), and points the others at the new
    /// collection definition. See `../shared/spec/realtime.md` §3.
    pub fn revalidate_auth(&self, collections: &CollectionSet) {
        let secret = |c: &Collection| c.auth.as_ref().map(|a| a.auth_token.secret.clone());
        for client in self.snapshot() {
            let Some(auth) = client.auth() else { continue };
            match collections.find(&auth.collection.id) {
                Some(current)
                    if current.id == auth.collection.id
                        && secret(current) == secret(&auth.collection) =>
                {
                    if !Arc::ptr_eq(current, &auth.collection) {
                        let mut refreshed = (*auth).clone();
                        refreshed.collection = current.clone();
                        client.set_auth(Some(Arc::new(refreshed)));
                    }
                }
                _ => client.set_auth(None),
            }
        }
    }

    /// Sends a custom message named `event` to the client `id` if it subscribed to that name
    /// (exactly, or with options); returns whether it was sent.
    pub fn send_custom(&self, id: &str, event: &str, data: &[u8]) -> bool {
        let Some(client) = self.get(id) else { return false };
        if !client.subscriptions().iter().any(|s| s.raw == event) {
            return false;
        }
        self.deliver(&client, message::body(event, data));
        true
    }
}

/// Advances `broker`'s clock every second and ends expired streams, until the broker is gone.
pub async fn run_sweeper(broker: std::sync::Weak<Broker>) {
    let started = tokio::time::Instant::now();
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        let Some(broker) = broker.upgrade() else { return };
        broker.tick(started.elapsed().as_secs());
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const IDLE: u64 = IDLE_TIMEOUT.as_secs();
    const LIFETIME: u64 = MAX_LIFETIME.as_secs();

    fn broker_with_client() -> (Broker, Arc<Client>, mpsc::Receiver<Bytes>) {
        let broker = Broker::new();
        broker.tick(10);
        let (client, queue) = broker.register(IpAddr::V4(Ipv4Addr::LOCALHOST));
        (broker, client, queue)
    }

    #[test]
    fn an_idle_stream_ends_after_the_idle_timeout() {
        let (broker, client, mut queue) = broker_with_client();
        broker.tick(10 + IDLE - 1);
        assert!(broker.get(client.id()).is_some(), "removed before its idle time was up");
        broker.deliver(&client, Bytes::from_static(b"m"));
        broker.tick(10 + IDLE + 5);
        assert!(broker.get(client.id()).is_some(), "a message must restart the idle time");
        broker.tick(10 + 2 * IDLE - 1);
        assert!(broker.get(client.id()).is_none(), "still there after the idle timeout");
        drop(client);
        assert_eq!(queue.try_recv().ok().as_deref(), Some(&b"m"[..]), "queued message lost");
        assert!(matches!(queue.try_recv(), Err(mpsc::error::TryRecvError::Disconnected)));
    }

    #[test]
    fn a_busy_stream_ends_after_its_lifetime() {
        let (broker, client, _queue) = broker_with_client();
        let mut now = 10;
        while now < 10 + LIFETIME - 60 {
            now += 60;
            broker.deliver(&client, Bytes::from_static(b"m"));
            broker.tick(now);
            assert!(broker.get(client.id()).is_some(), "removed at {now} while busy");
        }
        broker.tick(10 + LIFETIME);
        assert!(broker.get(client.id()).is_none(), "still there after the lifetime");
    }
}
