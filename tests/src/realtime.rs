//! The realtime part of the differential runner: named SSE clients opened against each server,
//! and the outcomes of their steps in a comparable form. A connect step yields the status, every
//! response header (`date` masked) and the `PB_CONNECT` frame with the client id masked; an
//! events step yields, per client, the messages received since the last check, each as its
//! event name (with the scenario's `{{vars}}` put back, so per-server ids compare), its frame
//! layout, and its normalised data. PocketBase sends every message from its own goroutine, so
//! the order within one check is not part of the contract: messages are sorted by event name
//! and data before normalising. See `docs/testing.md`.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::time::Instant;

use crate::client::Client;
use crate::diff::{As, Kind, Outcome, Step, substitute};
use crate::normalize::Normalizer;
use crate::sse::{Frame, SseClient, SseMessage};

/// How long every client must stay silent before an events check ends.
pub const QUIET: Duration = Duration::from_millis(300);
/// The longest an events check waits in all.
pub const MAX_WAIT: Duration = Duration::from_secs(10);

/// The scenario variable holding the id of the realtime client `name`.
pub fn client_var(name: &str) -> String {
    format!("client.{name}")
}

/// `topic?options=…` as the JS SDK builds it: `encodeURIComponent(JSON.stringify(options))`.
pub fn with_options(topic: &str, options: &Value) -> String {
    format!("{topic}?options={}", encode_uri_component(&options.to_string()))
}

/// JavaScript's `encodeURIComponent`.
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl Step {
    /// Opens the realtime client `name` (`GET /api/realtime`, no Authorization header unless
    /// added with [`Step::header`]) and compares the status, every response header (`date`
    /// masked) and the `PB_CONNECT` frame with the client id masked. The client id is saved as
    /// `{{client.<name>}}`; `.as_user()`/`.as_superuser()` set who its subscribe steps send as.
    pub fn connect(name: &str) -> Self {
        let mut step = Self::get("/api/realtime").label(&format!("connect {name}"));
        step.kind = Kind::Connect(name.to_owned());
        step
    }

    /// `POST /api/realtime` setting the subscriptions of the realtime client `name`, sent with
    /// that client's auth unless the step says otherwise.
    pub fn subscribe(name: &str, topics: &[&str]) -> Self {
        let mut step = Self::post(
            "/api/realtime",
            json!({"clientId": format!("{{{{{}}}}}", client_var(name)), "subscriptions": topics}),
        )
        .label(&format!("subscribe {name} {topics:?}"));
        step.auth = As::Client(name.to_owned());
        step
    }

    /// Closes the realtime client `name` and waits until the server has forgotten it (a
    /// subscription request for its id answers 404; the step's status is the last answer).
    pub fn disconnect(name: &str) -> Self {
        let mut step = Self::get("/").label(&format!("disconnect {name}"));
        step.kind = Kind::Disconnect(name.to_owned());
        step
    }

    /// Compares what every realtime client received since the last check (see
    /// [`crate::realtime`]).
    pub fn events() -> Self {
        let mut step = Self::get("/").label("events");
        step.kind = Kind::Events;
        step
    }
}

/// One open client of a scenario run.
struct RealtimeClient {
    sse: SseClient,
    id: String,
}

/// The clients of one scenario run, by name, and who each was connected as.
#[derive(Default)]
pub(crate) struct RealtimeClients {
    clients: BTreeMap<String, RealtimeClient>,
    auth: HashMap<String, As>,
}

impl RealtimeClients {
    /// Plays `step` if it is a realtime step (`None` for an HTTP step).
    pub(crate) async fn play(
        &mut self,
        step: &Step,
        http: &Client,
        vars: &mut HashMap<String, String>,
        normalizer: &mut Normalizer,
    ) -> anyhow::Result<Option<Outcome>> {
        let outcome = match &step.kind {
            Kind::Http => return Ok(None),
            Kind::Connect(name) => {
                let headers: Vec<(String, String)> =
                    step.headers.iter().map(|(k, v)| (k.clone(), substitute(v, vars))).collect();
                let (status, headers, body) = self.connect(name, http.base(), &headers).await?;
                if let Some(connected) = self.clients.get(name) {
                    vars.insert(client_var(name), connected.id.clone());
                }
                self.auth.insert(name.clone(), step.auth.clone());
                Outcome { status, headers, body }
            }
            Kind::Disconnect(name) => {
                let status = self.disconnect(name, http).await?;
                Outcome { status, headers: Vec::new(), body: Value::Null }
            }
            Kind::Events => {
                let received = self.collect().await;
                let body = self.events_outcome(received, vars, normalizer);
                Outcome { status: 0, headers: Vec::new(), body }
            }
        };
        Ok(Some(outcome))
    }

    /// Who a step sends as: a realtime client's connect-time identity for [`As::Client`].
    pub(crate) fn resolve(&self, auth: &As) -> As {
        match auth {
            As::Client(name) => self.auth.get(name).cloned().unwrap_or(As::Guest),
            other => other.clone(),
        }
    }

    /// Opens `name`; returns the status, the response headers and the outcome body.
    async fn connect(
        &mut self,
        name: &str,
        base: &str,
        headers: &[(String, String)],
    ) -> anyhow::Result<(u16, Vec<(String, Option<String>)>, Value)> {
        let mut sse = SseClient::connect(base, "/api/realtime", headers).await?;
        let mut response_headers: Vec<(String, Option<String>)> = sse
            .headers
            .keys()
            .map(|key| {
                let values: Vec<&str> =
                    sse.headers.get_all(key).iter().filter_map(|v| v.to_str().ok()).collect();
                let value = if key == "date" { "<date>".to_owned() } else { values.join(", ") };
                (key.as_str().to_owned(), Some(value))
            })
            .collect();
        response_headers.sort();
        let status = sse.status;
        let first = match sse.next(Duration::from_secs(10)).await {
            Some(Frame::Message(message)) => message,
            other => anyhow::bail!("{name}: no PB_CONNECT from {base} (got {other:?})"),
        };
        let id = first.id.clone();
        let body = json!({"first": mask_client(&first.raw, &id, name), "chunks": first.chunks});
        self.clients.insert(name.to_owned(), RealtimeClient { sse, id });
        Ok((status, response_headers, body))
    }

    /// Closes `name`, then asks the server about its id until it answers 404 (or
    /// [`MAX_WAIT`] passes); returns the last status.
    async fn disconnect(&mut self, name: &str, http: &Client) -> anyhow::Result<u16> {
        let Some(client) = self.clients.remove(name) else { return Ok(0) };
        let id = client.id.clone();
        drop(client);
        let started = Instant::now();
        loop {
            let body = json!({"clientId": id, "subscriptions": []});
            let status = http.post_json("/api/realtime", body).await?.status;
            if status == 404 || started.elapsed() >= MAX_WAIT {
                return Ok(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until every client has been quiet for [`QUIET`] and returns what each received.
    async fn collect(&mut self) -> BTreeMap<String, Vec<Frame>> {
        let mut received: BTreeMap<String, Vec<Frame>> =
            self.clients.keys().map(|name| (name.clone(), Vec::new())).collect();
        let started = Instant::now();
        let mut last = started;
        loop {
            for (name, client) in &mut self.clients {
                let frames = client.sse.drain();
                if !frames.is_empty() {
                    last = Instant::now();
                    received.entry(name.clone()).or_default().extend(frames);
                }
            }
            let now = Instant::now();
            if now.duration_since(last) >= QUIET || now.duration_since(started) >= MAX_WAIT {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The outcome of an events check: per client, its frames sorted and normalised.
    fn events_outcome(
        &self,
        received: BTreeMap<String, Vec<Frame>>,
        vars: &HashMap<String, String>,
        normalizer: &mut Normalizer,
    ) -> Value {
        let client_ids: Vec<(String, String)> = self
            .clients
            .iter()
            .map(|(name, c)| (c.id.clone(), format!("<client:{name}>")))
            .collect();
        let mut out = Map::new();
        for (name, frames) in received {
            let own = self.clients.get(&name).map(|c| c.id.as_str()).unwrap_or_default();
            let mut events: Vec<(String, Value, Value)> = frames
                .iter()
                .map(|frame| match frame {
                    Frame::Closed => ("<closed>".to_owned(), Value::Null, Value::Null),
                    Frame::Message(message) => {
                        let event = unsubstitute(&message.event, vars);
                        let data = serde_json::from_str::<Value>(&message.data).map_or_else(
                            |_| Value::from(message.data.clone()),
                            |d| mask_client_ids(&d, &client_ids),
                        );
                        (event, data, Value::from(layout(message, own)))
                    }
                })
                .collect();
            events.sort_by_cached_key(|(event, data, _)| {
                (event.clone(), normalizer.clone().value(data).to_string())
            });
            let events: Vec<Value> = events
                .into_iter()
                .map(|(event, data, frame)| {
                    json!({"event": event, "frame": frame, "data": normalizer.value(&data)})
                })
                .collect();
            out.insert(name, Value::Array(events));
        }
        Value::Object(out)
    }
}

/// The message's wire layout with its values replaced, and the number of HTTP chunks it came
/// in: `id:<clientId>\nevent:<event>\n… in 1 chunk(s)`.
fn layout(message: &SseMessage, own_id: &str) -> String {
    let expected = format!("id:{}\nevent:{}\ndata:{}\n\n", message.id, message.event, message.data);
    let id = if message.id == own_id { "<clientId>" } else { "<other id>" };
    if message.raw == expected {
        format!("id:{id}\\nevent:<event>\\ndata:<data>\\n\\n in {} chunk(s)", message.chunks)
    } else {
        format!("unexpected layout: {:?}", message.raw.replace(own_id, "<clientId>"))
    }
}

fn mask_client(text: &str, id: &str, name: &str) -> String {
    if id.is_empty() { text.to_owned() } else { text.replace(id, &format!("<client:{name}>")) }
}

fn mask_client_ids(value: &Value, ids: &[(String, String)]) -> Value {
    match value {
        Value::String(s) => Value::from(
            ids.iter().find(|(id, _)| id == s).map_or_else(|| s.clone(), |(_, mask)| mask.clone()),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| mask_client_ids(v, ids)).collect())
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), mask_client_ids(v, ids))).collect())
        }
        other => other.clone(),
    }
}

/// Puts `{{name}}` back where a variable's value appears (longest values first), so event
/// names that embed per-server ids compare.
fn unsubstitute(text: &str, vars: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = vars.iter().filter(|(_, v)| v.len() >= 3).collect();
    pairs.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let mut out = text.to_owned();
    for (name, value) in pairs {
        out = out.replace(value.as_str(), &format!("{{{{{name}}}}}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_options_like_the_js_sdk() {
        assert_eq!(
            with_options("posts/*", &json!({"query": {"filter": "views > 100"}})),
            "posts/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22views%20%3E%20100%22%7D%7D"
        );
    }

    #[test]
    fn puts_variables_back_into_event_names() {
        let vars = HashMap::from([("p1".to_owned(), "abcdefghijklmno".to_owned())]);
        assert_eq!(unsubstitute("posts/abcdefghijklmno?x", &vars), "posts/{{p1}}?x");
    }
}
