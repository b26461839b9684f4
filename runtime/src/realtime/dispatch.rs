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
use crate::model::record::{EMAIL, TOKEN_KEY, Visibility};
use crate::model::{Collection, CollectionSet};
use crate::query::fields::FieldsPicker;
use crate::records::error::RecordError;
use crate::records::events::{EventReceiver, RecordAction, RecordEvent};
use crate::records::expand::ExpandTree;
use crate::records::output::visibility;
use crate::records::request::RequestInfo;
use crate::records::rules::RuleScope;
use crate::records::tokens::AuthRecord;
use crate::records::{read, rule_sql};

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
    /// Whether the subscriber matches the auth collection's manage rule (sees `email`).
    manager: bool,
    sql_manage: Option<String>,
    expand: Option<String>,
    fields: Option<String>,
}

impl Delivery {
    fn needs_database(&self) -> bool {
        self.sql_rule.is_some()
            || self.sql_filter.is_some()
            || self.sql_manage.is_some()
            || self.expand.is_some()
    }
}

/// Delivers one event to every entitled subscriber, and keeps bound auth records current.
pub async fn dispatch(app: &App, event: &RecordEvent) {
    // compat: PocketBase computes delete messages before the delete, while the deleted auth
    // record is still bound to its clients, and unsets it afterwards (realtime.md §3, §5).
    let deleting = event.action == RecordAction::Delete;
    if !deleting {
        maintain_auth(app, event);
    }
    deliver(app, event).await;
    if deleting {
        maintain_auth(app, event);
    }
}

async fn deliver(app: &App, event: &RecordEvent) {
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
        let data =
            renders.plain(event, &delivery.request, delivery.manager, delivery.fields.as_deref());
        broker.deliver(&delivery.client, renders.body(&delivery.name, data));
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
            Ok(Outcome::Plain { manager }) => {
                renders.plain(event, &delivery.request, manager, delivery.fields.as_deref())
            }
            Ok(Outcome::Expanded(json)) => finish(event, json, delivery.fields.as_deref()),
            Err(error) => {
                tracing::debug!(%error, client = delivery.client.id(), "realtime check failed");
                continue;
            }
        };
        broker.deliver(&delivery.client, renders.body(&delivery.name, data));
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
    // compat: only an empty `filter` means none; a blank one fails to parse and drops the
    // event, as in PocketBase (realtime.md §5).
    let filter = options.query.get("filter").map(String::as_str).filter(|f| !f.is_empty());
    let sql_filter = match checker.filter(filter, &request) {
        Verdict::Allow => None,
        Verdict::Deny => return None,
        Verdict::Sql(filter) => Some(filter),
    };
    let (manager, sql_manage) = manager(checker, &request, collection, &event.record);
    Some(Delivery {
        client: client.clone(),
        name: subscription.raw.clone(),
        expand: options.param("expand").map(str::to_owned),
        fields: options.param("fields").map(str::to_owned),
        request,
        sql_rule,
        sql_filter,
        manager,
        sql_manage,
    })
}

/// Whether a subscriber who is neither a superuser nor the record itself matches an auth
/// collection's manage rule, which shows it the `email` (`Some` = decide in SQL).
fn manager(
    checker: &mut Checker<'_>,
    request: &RequestInfo,
    collection: &Collection,
    record: &crate::model::Record,
) -> (bool, Option<String>) {
    if !collection.is_auth() || request.is_superuser() {
        return (false, None);
    }
    if request
        .auth
        .as_ref()
        .is_some_and(|a| a.collection.id == collection.id && a.record.id() == record.id())
    {
        return (false, None);
    }
    match checker.manages(request) {
        Verdict::Allow => (true, None),
        Verdict::Deny => (false, None),
        Verdict::Sql(rule) => (false, Some(rule)),
    }
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
    Plain { manager: bool },
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
    let manager = match &delivery.sql_manage {
        Some(rule) => rule_sql::matches_new(conn, &scope, rule, &event.record)?,
        None => delivery.manager,
    };
    let Some(expand) = &delivery.expand else { return Ok(Outcome::Plain { manager }) };
    let tree = ExpandTree::parse(expand);
    let records = std::slice::from_ref(&event.record);
    let mut rendered =
        read::render(conn, all, &event.collection, records, &delivery.request, Some(&tree))?;
    match rendered.pop() {
        Some(Value::Object(mut json)) => {
            json.entry("expand").or_insert_with(|| Value::Object(Map::new()));
            if manager {
                let seen = visibility(&event.collection, &event.record, &delivery.request, true);
                if let Some(email) = event.record.to_public_json(&event.collection, seen).get(EMAIL)
                {
                    json.insert(EMAIL.to_owned(), email.clone());
                }
            }
            Ok(Outcome::Expanded(json))
        }
        _ => Ok(Outcome::Skip),
    }
}

/// `{"record":…,"action":…}` with the `fields` picker applied.
// compat: a `fields` value that does not parse leaves the record whole (PocketBase logs the
// picker error and sends the full record; realtime.md §5).
fn finish(event: &RecordEvent, record: Map<String, Value>, fields: Option<&str>) -> Bytes {
    let mut record = Value::Object(record);
    if let Some(picker) = fields.and_then(|f| FieldsPicker::parse(f).ok()) {
        record = picker.apply(record);
    }
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"record\":");
    out.extend_from_slice(record.to_string().as_bytes());
    out.extend_from_slice(b",\"action\":\"");
    out.extend_from_slice(event.action.as_str().as_bytes());
    out.extend_from_slice(b"\"}");
    Bytes::from(out)
}

/// Renders without expand, and encoded message bodies, shared between subscribers who get
/// the same thing.
#[derive(Default)]
struct RenderCache {
    entries: Vec<(Visibility, Option<String>, Bytes)>,
    /// (subscription name, data, body); the data is kept so its address stays its identity.
    bodies: Vec<(String, Bytes, Bytes)>,
}

impl RenderCache {
    /// The message body for `data` under the subscription `name`.
    fn body(&mut self, name: &str, data: Bytes) -> Bytes {
        let same = |d: &Bytes| d.as_ptr() == data.as_ptr() && d.len() == data.len();
        if let Some((_, _, body)) = self.bodies.iter().find(|(n, d, _)| n == name && same(d)) {
            return body.clone();
        }
        let body = message::body(name, &data);
        self.bodies.push((name.to_owned(), data, body.clone()));
        body
    }

    fn plain(
        &mut self,
        event: &RecordEvent,
        request: &RequestInfo,
        manager: bool,
        fields: Option<&str>,
    ) -> Bytes {
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

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use serde_json::json;
    use tokio::sync::mpsc;

    use super::*;
    use crate::AppConfig;
    use crate::model::{CollectionType, Record};

    const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    async fn app() -> (App, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(AppConfig::for_data_dir(dir.path().join("pb_data"))).await.unwrap();
        (app, dir)
    }

    fn user(users: &Collection, id: &str) -> Record {
        let mut record = Record::new(users);
        record.set("id", id);
        record.set(EMAIL, format!("{id}@example.com"));
        record.set(TOKEN_KEY, "key");
        record
    }

    fn auth(users: &Arc<Collection>, record: &Record) -> Arc<AuthRecord> {
        Arc::new(AuthRecord::signed_in(users, record.clone()))
    }

    fn data(rx: &mut mpsc::Receiver<Bytes>) -> Option<Value> {
        let message = rx.try_recv().ok()?;
        let text = String::from_utf8_lossy(&message).into_owned();
        let data = text.lines().find_map(|l| l.strip_prefix("data:"))?;
        serde_json::from_str(data).ok()
    }

    #[tokio::test]
    async fn a_deleted_auth_record_gets_its_own_delete_event_then_is_unbound() {
        let (app, _dir) = app().await;
        let users = app.find_collection("users").unwrap();
        let alice = user(&users, "aliceaaaaaaaaaa");
        let (client, mut rx) = app.realtime().register(LOCALHOST);
        let topic = Subscription::parse("users/aliceaaaaaaaaaa");
        client.set_subscriptions(vec![topic], Some(auth(&users, &alice)));
        dispatch(&app, &RecordEvent::new(RecordAction::Delete, users.clone(), alice)).await;
        let data = data(&mut rx).expect("the delete event");
        assert_eq!(data["action"], "delete");
        assert_eq!(data["record"]["email"], "aliceaaaaaaaaaa@example.com");
        assert!(client.auth().is_none());
    }

    #[tokio::test]
    async fn managers_see_the_email_of_other_auth_records() {
        let (app, _dir) = app().await;
        let mut users = (*app.find_collection("users").unwrap()).clone();
        users.list_rule = Some(String::new());
        let guest_only = users.clone();
        if let Some(options) = users.auth.as_mut() {
            options.manage_rule = Some("@request.auth.id != ''".to_owned());
        }
        let users = Arc::new(users);
        let (bob, alice) = (user(&users, "bobbbbbbbbbbbbb"), user(&users, "aliceaaaaaaaaaa"));
        let (manager, mut manager_rx) = app.realtime().register(LOCALHOST);
        manager.set_subscriptions(vec![Subscription::parse("users/*")], Some(auth(&users, &bob)));
        let (guest, mut guest_rx) = app.realtime().register(LOCALHOST);
        guest.set_subscriptions(vec![Subscription::parse("users/*")], None);
        dispatch(&app, &RecordEvent::new(RecordAction::Update, users, alice.clone())).await;
        assert_eq!(
            data(&mut manager_rx).unwrap()["record"]["email"],
            "aliceaaaaaaaaaa@example.com"
        );
        assert_eq!(data(&mut guest_rx).unwrap()["record"].get(EMAIL), None);
        let plain = Arc::new(guest_only);
        dispatch(&app, &RecordEvent::new(RecordAction::Update, plain, alice)).await;
        assert_eq!(data(&mut manager_rx).unwrap()["record"].get(EMAIL), None);
    }

    #[tokio::test]
    async fn a_blank_filter_drops_the_event() {
        let (app, _dir) = app().await;
        let mut users = (*app.find_collection("users").unwrap()).clone();
        users.list_rule = Some(String::new());
        let users = Arc::new(users);
        let (client, mut rx) = app.realtime().register(LOCALHOST);
        let blank = Subscription::parse(
            "users/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22%20%22%7D%7D",
        );
        client.set_subscriptions(vec![blank], None);
        let alice = user(&users, "aliceaaaaaaaaaa");
        dispatch(&app, &RecordEvent::new(RecordAction::Update, users.clone(), alice.clone())).await;
        assert!(data(&mut rx).is_none());
        let real = Subscription::parse(
            "users/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22id%20!%3D%20''%22%7D%7D",
        );
        client.set_subscriptions(vec![real], None);
        dispatch(&app, &RecordEvent::new(RecordAction::Update, users, alice)).await;
        assert!(data(&mut rx).is_some());
    }

    #[test]
    fn a_fields_value_that_does_not_parse_sends_the_whole_record() {
        let collection = Arc::new(Collection::new(CollectionType::Base, "posts"));
        let mut record = Record::new(&collection);
        record.set("id", "postaaaaaaaaaaa");
        let event = RecordEvent::new(RecordAction::Create, collection, record);
        let json = json!({"id": "postaaaaaaaaaaa", "title": "t"});
        let Value::Object(map) = json.clone() else { unreachable!() };
        let whole = finish(&event, map.clone(), Some("title:excerpt(abc)"));
        let expected = json!({"record": json, "action": "create"});
        assert_eq!(serde_json::from_slice::<Value>(&whole).unwrap(), expected);
        let picked = finish(&event, map, Some("title"));
        assert_eq!(
            serde_json::from_slice::<Value>(&picked).unwrap(),
            json!({"record": {"title": "t"}, "action": "create"})
        );
    }
}
