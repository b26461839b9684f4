//! Turns committed record events into realtime messages, in commit order: for each client and
//! each of its subscriptions that names the record's collection (and id), the access rule and
//! the subscription filter are checked with the client's auth, the record is serialised for
//! that client (hidden fields, email visibility, `expand`, `fields`) and queued. Checks and
//! renders that need the database run together in one read per event; identical renders are
//! shared. Bound auth records are kept current (updated, or unset when their token key changes
//! or they are deleted). See `../shared/spec/realtime.md` §3 and §5.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Map, Value};

use super::access::{Checker, Verdict};
use super::client::Client;
use super::message;
use super::topic::{Scope, Subscription, SubscriptionOptions};
use crate::app::{App, WeakApp};
use crate::model::record::{TOKEN_KEY, Visibility};
use crate::model::{Collection, CollectionSet};
use crate::query::fields::FieldsPicker;
use crate::records::error::RecordError;
use crate::records::events::{EventReceiver, RecordAction, RecordEvent};
use crate::records::expand::ExpandTree;
use crate::records::output::visibility;
use crate::records::request::RequestInfo;
use crate::records::rules::RuleScope;
use crate::records::tokens::AuthRecord;
use crate::records::{manage, read, rule_sql};

/// Consumes events until the app is gone.
pub async fn run(app: WeakApp, mut events: EventReceiver) {
    while let Some(batch) = events.recv().await {
        let Some(app) = app.upgrade() else { break };
        for event in batch.iter() {
            dispatch(&app, event).await;
        }
    }
}

/// One subscriber's pending message for an event.
struct Delivery {
    client: Arc<Client>,
    name: String,
    request: RequestInfo,
    sql_rule: Option<String>,
    sql_filter: Option<String>,
    expand: Option<String>,
    fields: Option<String>,
    /// Whether the subscriber manages the record (`None`: decided in SQL).
    manager: Option<bool>,
}

impl Delivery {
    fn needs_database(&self) -> bool {
        self.sql_rule.is_some()
            || self.sql_filter.is_some()
            || self.expand.is_some()
            || self.manager.is_none()
    }
}

/// Delivers one event to every entitled subscriber.
pub async fn dispatch(app: &App, event: &RecordEvent) {
    maintain_auth(app, event);
    let broker = app.realtime();
    if broker.is_empty() {
        return;
    }
    let all = app.collections();
    let mut checker = Checker::new(&all, &event.collection, &event.record);
    let mut now = Vec::new();
    let mut later = Vec::new();
    for client in broker.snapshot() {
        let subscriptions = client.subscriptions();
        if subscriptions.is_empty() {
            continue;
        }
        let auth = client.auth();
        for subscription in subscriptions.iter() {
            if let Some(delivery) = plan(&mut checker, &client, auth.as_ref(), subscription, event)
            {
                if delivery.needs_database() { later.push(delivery) } else { now.push(delivery) }
            }
        }
    }
    let mut renders = RenderCache::default();
    for delivery in now {
        let (request, fields) = (&delivery.request, delivery.fields.as_deref());
        if let Some(data) = renders.plain(event, request, fields, delivery.manager == Some(true)) {
            broker.deliver(
                &delivery.client,
                message::encode(delivery.client.id(), &delivery.name, &data),
            );
        }
    }
    drop(checker);
    if later.is_empty() {
        return;
    }
    let owned_event = event.clone();
    let checked = app
        .data()
        .read_with(move |conn| {
            Ok::<_, RecordError>(
                later
                    .into_iter()
                    .map(|delivery| {
                        let outcome = check_and_expand(conn, &all, &owned_event, &delivery);
                        (delivery, outcome)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await;
    let checked = match checked {
        Ok(checked) => checked,
        Err(error) => {
            tracing::warn!(%error, "realtime checks failed");
            return;
        }
    };
    for (delivery, outcome) in checked {
        let data = match outcome {
            Ok(Outcome::Skip) => continue,
            Ok(Outcome::Plain(manager)) => {
                renders.plain(event, &delivery.request, delivery.fields.as_deref(), manager)
            }
            Ok(Outcome::Expanded(json)) => finish(event, json, delivery.fields.as_deref()),
            Err(error) => {
                tracing::debug!(%error, client = delivery.client.id(), "realtime check failed");
                continue;
            }
        };
        if let Some(data) = data {
            broker.deliver(
                &delivery.client,
                message::encode(delivery.client.id(), &delivery.name, &data),
            );
        }
    }
}

/// Decides what needs doing for one subscription (`None` = it does not get this event).
fn plan(
    checker: &mut Checker<'_>,
    client: &Arc<Client>,
    auth: Option<&Arc<AuthRecord>>,
    subscription: &Subscription,
    event: &RecordEvent,
) -> Option<Delivery> {
    let collection = &event.collection;
    if !subscription.is_for_collection(&collection.name, &collection.id) {
        return None;
    }
    let rule = match &subscription.scope {
        Scope::All => collection.list_rule.as_deref(),
        Scope::Record(id) if id == event.record.id() => collection.view_rule.as_deref(),
        Scope::Record(_) => return None,
    };
    let options = &subscription.options;
    let request = request_info(auth.cloned(), options);
    let sql_rule = match checker.rule(rule, &request) {
        Verdict::Allow => None,
        Verdict::Deny => return None,
        Verdict::Sql(rule) => Some(rule),
    };
    let sql_filter = match checker.filter(options.param("filter"), &request) {
        Verdict::Allow => None,
        Verdict::Deny => return None,
        Verdict::Sql(filter) => Some(filter),
    };
    let manager = match checker.manages(&request) {
        Verdict::Allow => Some(true),
        Verdict::Deny => Some(false),
        Verdict::Sql(_) => None,
    };
    Some(Delivery {
        manager,
        client: client.clone(),
        name: subscription.raw.clone(),
        expand: options.param("expand").map(str::to_owned),
        fields: options.param("fields").map(str::to_owned),
        request,
        sql_rule,
        sql_filter,
    })
}

/// `@request` for a realtime check: GET, context `realtime`, the options' query and headers.
fn request_info(auth: Option<Arc<AuthRecord>>, options: &SubscriptionOptions) -> RequestInfo {
    let mut request = RequestInfo::new(auth, "GET");
    "realtime".clone_into(&mut request.context);
    request.query = options.query.clone();
    request.headers = options.headers.clone();
    request
}

enum Outcome {
    Skip,
    Plain(bool),
    Expanded(Map<String, Value>),
}

fn check_and_expand(
    conn: &rusqlite::Connection,
    all: &CollectionSet,
    event: &RecordEvent,
    delivery: &Delivery,
) -> Result<Outcome, RecordError> {
    let scope = RuleScope { all, collection: &event.collection, request: &delivery.request };
    if let Some(rule) = &delivery.sql_rule {
        if !rule_sql::matches_new(conn, &scope, rule, &event.record)? {
            return Ok(Outcome::Skip);
        }
    }
    if let Some(filter) = &delivery.sql_filter {
        if !rule_sql::filter_matches(conn, &scope, filter, &event.record)? {
            return Ok(Outcome::Skip);
        }
    }
    let manager = match delivery.manager {
        Some(manager) => manager,
        None => {
            manage::manages_new(conn, all, &event.collection, &delivery.request, &event.record)?
        }
    };
    let Some(expand) = &delivery.expand else { return Ok(Outcome::Plain(manager)) };
    let tree = ExpandTree::parse(expand);
    let records = std::slice::from_ref(&event.record);
    let mut rendered =
        read::render(conn, all, &event.collection, records, &delivery.request, Some(&tree))?;
    match rendered.pop() {
        Some(Value::Object(mut json)) => {
            json.entry("expand").or_insert_with(|| Value::Object(Map::new()));
            Ok(Outcome::Expanded(json))
        }
        _ => Ok(Outcome::Skip),
    }
}

/// `{"record":…,"action":…}` with the `fields` picker applied (`None` for a bad picker).
fn finish(event: &RecordEvent, record: Map<String, Value>, fields: Option<&str>) -> Option<Bytes> {
    let mut record = Value::Object(record);
    if let Some(fields) = fields {
        record = FieldsPicker::parse(fields).ok()?.apply(record);
    }
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"record\":");
    serde_json::to_writer(&mut out, &record).ok()?;
    out.extend_from_slice(b",\"action\":\"");
    out.extend_from_slice(event.action.as_str().as_bytes());
    out.extend_from_slice(b"\"}");
    Some(Bytes::from(out))
}

/// Renders without expand, shared between subscribers who see the same thing.
#[derive(Default)]
struct RenderCache {
    entries: Vec<(Visibility, Option<String>, Option<Bytes>)>,
}

impl RenderCache {
    fn plain(
        &mut self,
        event: &RecordEvent,
        request: &RequestInfo,
        fields: Option<&str>,
        manager: bool,
    ) -> Option<Bytes> {
        let seen = visibility(&event.collection, &event.record, request, manager);
        if let Some((_, _, data)) =
            self.entries.iter().find(|(v, f, _)| *v == seen && f.as_deref() == fields)
        {
            return data.clone();
        }
        let json = event.record.to_public_json(&event.collection, seen);
        let data = finish(event, json, fields);
        self.entries.push((seen, fields.map(str::to_owned), data.clone()));
        data
    }
}

/// Keeps clients' bound auth records in step with changes to them.
fn maintain_auth(app: &App, event: &RecordEvent) {
    if !event.collection.is_auth() {
        return;
    }
    for client in app.realtime().snapshot() {
        let Some(auth) = client.auth() else { continue };
        if auth.collection.id != event.collection.id || auth.record.id() != event.record.id() {
            continue;
        }
        let refreshed = match event.action {
            RecordAction::Delete => None,
            RecordAction::Create | RecordAction::Update => {
                if auth.record.get(TOKEN_KEY) != event.record.get(TOKEN_KEY) {
                    None
                } else {
                    let mut updated = (*auth).clone();
                    updated.record = event.record.clone();
                    updated.collection = event.collection.clone();
                    Some(Arc::new(updated))
                }
            }
        };
        client.set_auth(refreshed);
    }
}

/// Unbinds every client authenticated as a record of `collection` (its secret rotated or the
/// collection was deleted).
pub fn forget_collection_auth(app: &App, collection: &Collection) {
    for client in app.realtime().snapshot() {
        if client.auth().is_some_and(|a| a.collection.id == collection.id) {
            client.set_auth(None);
        }
    }
}
