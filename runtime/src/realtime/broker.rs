//! The registry of connected realtime clients: registration with a fresh random id, lookup for
//! subscription requests, snapshots for dispatch, removal when a stream ends or a client falls
//! behind. Also the hand-over point for custom messages (`@oauth2`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::RwLock;
use tokio::sync::mpsc;

use super::client::{Client, SendError};
use super::message;
use crate::model::id::{SECRET_ALPHABET, random_string};
use crate::model::{Collection, CollectionSet};

/// Messages a client may have queued before it counts as too slow.
pub const QUEUE_CAPACITY: usize = 1024;

/// Every connected client.
#[derive(Debug, Default)]
pub struct Broker {
    clients: RwLock<HashMap<String, Arc<Client>>>,
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
        let (client, rx) = Client::new(id.clone(), ip, QUEUE_CAPACITY);
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

    /// Queues a message body for `client`; a client that cannot take it is disconnected.
    pub fn deliver(&self, client: &Client, message: Bytes) {
        match client.send(message) {
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
