//! What record writes tell the rest of the app once they are committed: one event per created,
//! updated or deleted record (cascaded deletes included), published in commit order. Realtime
//! is the first listener. Writers hand events over and return; nothing here waits on a
//! listener. See `../shared/spec/realtime.md` §5 (timing).

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::model::{Collection, Record};

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    /// Inserted.
    Create,
    /// Changed.
    Update,
    /// Removed (the record holds its last stored values).
    Delete,
}

impl RecordAction {
    /// The name realtime messages carry.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordAction::Create => "create",
            RecordAction::Update => "update",
            RecordAction::Delete => "delete",
        }
    }
}

/// One committed change.
#[derive(Debug, Clone)]
pub struct RecordEvent {
    /// What happened.
    pub action: RecordAction,
    /// The record's collection as it was when the change was made.
    pub collection: Arc<Collection>,
    /// The record after a create or update, before a delete.
    pub record: Record,
}

impl RecordEvent {
    /// An event for `record` of `collection`.
    pub fn new(action: RecordAction, collection: Arc<Collection>, record: Record) -> Self {
        Self { action, collection, record }
    }
}

/// The events of one transaction, in the order they happened.
pub type EventBatch = Arc<[RecordEvent]>;

/// The sending end writers publish to; cheap to clone.
#[derive(Debug, Clone)]
pub struct EventSender {
    tx: mpsc::UnboundedSender<EventBatch>,
}

/// The receiving end, taken once by the listener.
pub type EventReceiver = mpsc::UnboundedReceiver<EventBatch>;

/// A new event channel. Unbounded on purpose: a writer never waits for a listener; the
/// listener only does in-memory work per event and drops clients that cannot keep up.
pub fn channel() -> (EventSender, EventReceiver) {
    let (tx, rx) = mpsc::unbounded_channel();
    (EventSender { tx }, rx)
}

impl EventSender {
    /// Publishes the events of a committed transaction (no-op when there are none or nobody
    /// listens any more).
    pub fn publish(&self, events: Vec<RecordEvent>) {
        if !events.is_empty() {
            let _ = self.tx.send(events.into());
        }
    }
}
