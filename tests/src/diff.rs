//! The differential runner: one scenario (fixtures + steps) played against `pocketbase-ref`
//! and against wasmbase, each on a fresh data dir; every step's status, chosen headers and
//! normalised JSON body must be equal. A mismatch fails the test with both answers side by
//! side. Steps may also open named realtime clients, subscribe them and check the events they
//! received (see [`crate::realtime`]).

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::{Body, Client, Exchange};
use crate::normalize::Normalizer;
use crate::realtime::RealtimeClients;
use crate::{RefServer, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, TestServer};

/// Who sends a step.
#[derive(Clone, Debug)]
pub enum As {
    /// No `Authorization` header.
    Guest,
    /// The default superuser.
    Superuser,
    /// A fixture user of the `users` collection, by fixture name.
    User(String),
    /// A literal `Authorization` header value (may contain `{{var}}`).
    Header(String),
    /// Whoever the realtime client of that name was connected as.
    Client(String),
}

/// What a step does.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// An HTTP request.
    Http,
    /// Opens the named realtime client.
    Connect(String),
    /// Drops the named realtime client's connection.
    Disconnect(String),
    /// Collects what every realtime client received since the last check.
    Events,
}

/// One request of a scenario.
#[derive(Clone, Debug)]
pub struct Step {
    pub(crate) label: String,
    pub(crate) kind: Kind,
    method: Method,
    path: String,
    pub(crate) auth: As,
    pub(crate) headers: Vec<(String, String)>,
    body: Body,
    check_headers: Vec<String>,
    status_only: bool,
    save: Vec<(String, String)>,
    masks: Vec<String>,
    expect: Option<u16>,
}

impl Step {
    /// A step with `method` and `path` (query included).
    pub fn new(method: Method, path: &str) -> Self {
        Self {
            label: format!("{method} {path}"),
            kind: Kind::Http,
            method,
            path: path.to_owned(),
            auth: As::Guest,
            headers: Vec::new(),
            body: Body::None,
            check_headers: Vec::new(),
            status_only: false,
            save: Vec::new(),
            masks: Vec::new(),
            expect: None,
        }
    }

    /// `GET path`.
    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    /// `POST path` with a JSON body.
    pub fn post(path: &str, body: Value) -> Self {
        Self::new(Method::POST, path).json(body)
    }

    /// A label for the report.
    pub fn label(mut self, label: &str) -> Self {
        label.clone_into(&mut self.label);
        self
    }

    /// Sends a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// Sends raw bytes with a content type (`None` = no header).
    pub fn raw(mut self, content_type: Option<&str>, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Raw(content_type.map(str::to_owned), bytes.into());
        self
    }

    /// Sends a multipart form.
    pub fn multipart(mut self, parts: Vec<crate::client::Part>) -> Self {
        self.body = Body::Multipart(parts);
        self
    }

    /// Announces a body of `length` bytes without sending it (see [`Body::Declared`]).
    pub fn declared(mut self, content_type: &str, length: u64) -> Self {
        self.body = Body::Declared(content_type.to_owned(), length);
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sends without an `Authorization` header.
    pub fn as_guest(mut self) -> Self {
        self.auth = As::Guest;
        self
    }

    /// Sends as the superuser.
    pub fn as_superuser(mut self) -> Self {
        self.auth = As::Superuser;
        self
    }

    /// Sends as a fixture user.
    pub fn as_user(mut self, name: &str) -> Self {
        self.auth = As::User(name.to_owned());
        self
    }

    /// Sends a literal `Authorization` value.
    pub fn auth_header(mut self, value: &str) -> Self {
        self.auth = As::Header(value.to_owned());
        self
    }

    /// Compares this response header too.
    pub fn check_header(mut self, name: &str) -> Self {
        self.check_headers.push(name.to_ascii_lowercase());
        self
    }

    /// Requires this response header on both sides but does not compare its value.
    pub fn mask_header(mut self, name: &str) -> Self {
        self.check_headers.push(format!("~{}", name.to_ascii_lowercase()));
        self
    }

    /// Compares only the status (and checked headers), not the body.
    pub fn status_only(mut self) -> Self {
        self.status_only = true;
        self
    }

    /// Requires this status from PocketBase (and so from wasmbase): for setup steps, so a
    /// scenario whose fixtures fail on both servers cannot pass by accident.
    pub fn expect(mut self, status: u16) -> Self {
        self.expect = Some(status);
        self
    }

    /// Replaces the value at `pointer` (JSON pointer) with `"<masked>"` on both sides before
    /// comparing (for values PocketBase itself randomises).
    pub fn mask(mut self, pointer: &str) -> Self {
        self.masks.push(pointer.to_owned());
        self
    }

    /// Saves the string at `pointer` (JSON pointer) of the response as `{{name}}`.
    pub fn save(mut self, name: &str, pointer: &str) -> Self {
        self.save.push((name.to_owned(), pointer.to_owned()));
        self
    }
}

/// A fixture user of the `users` collection.
#[derive(Clone, Debug)]
struct UserFixture {
    name: String,
    email: String,
    password: String,
    fields: Value,
}

/// A named list of steps with fixtures.
#[derive(Clone, Debug)]
pub struct Scenario {
    name: String,
    users: Vec<UserFixture>,
    steps: Vec<Step>,
}

/// What one step produced on one server, normalised.
#[derive(Debug, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, Option<String>)>,
    pub(crate) body: Value,
}

impl Scenario {
    /// An empty scenario.
    pub fn new(name: &str) -> Self {
        Self { name: name.to_owned(), users: Vec::new(), steps: Vec::new() }
    }

    /// Adds a `users` record (`name` is how steps refer to it; `fields` are extra values).
    pub fn user(mut self, name: &str, email: &str, password: &str, fields: Value) -> Self {
        self.users.push(UserFixture {
            name: name.to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
            fields,
        });
        self
    }

    /// Adds a step.
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// Adds several steps.
    pub fn steps(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.steps.extend(steps);
        self
    }

    /// Plays the scenario against both servers and fails on the first report of differences.
    pub async fn run(&self) {
        if let Err(error) = self.try_run().await {
            panic!("scenario {:?}: {error:#}", self.name);
        }
    }

    async fn try_run(&self) -> anyhow::Result<()> {
        let reference = RefServer::start().await?;
        let ours = TestServer::start().await?;
        let ref_client = Client::new(reference.url());
        let our_client = Client::new(ours.url());
        for user in &self.users {
            seed_user_over_http(&ref_client, user).await?;
            let mut fields = user.fields.clone();
            fields["email"] = Value::from(user.email.as_str());
            ours.create_auth_record("users", fields, &user.password).await?;
        }
        let expected = self.play(&ref_client).await?;
        let actual = self.play(&our_client).await?;
        let mut report = String::new();
        let dump = std::env::var_os("WASMBASE_DIFF_DUMP").is_some();
        for (step, (want, got)) in self.steps.iter().zip(expected.iter().zip(actual.iter())) {
            if dump {
                eprintln!("--- {:?}: {} {:?} {}", step.label, want.status, want.headers, want.body);
            }
            if want != got {
                report.push_str(&format!(
                    "\n--- step {:?}\n  pocketbase: {} {:?} {}\n  wasmbase:   {} {:?} {}\n",
                    step.label,
                    want.status,
                    want.headers,
                    want.body,
                    got.status,
                    got.headers,
                    got.body
                ));
            }
        }
        anyhow::ensure!(
            report.is_empty(),
            "{} step(s) differ:{report}",
            report.matches("--- step").count()
        );
        Ok(())
    }

    async fn play(&self, client: &Client) -> anyhow::Result<Vec<Outcome>> {
        let mut vars: HashMap<String, String> = HashMap::new();
        let mut tokens: HashMap<String, String> = HashMap::new();
        let mut normalizer = Normalizer::default();
        let mut outcomes = Vec::with_capacity(self.steps.len());
        let mut realtime = RealtimeClients::default();
        for step in &self.steps {
            if let Some(outcome) = realtime.play(step, client, &mut vars, &mut normalizer).await? {
                outcomes.push(outcome);
                continue;
            }
            let auth = realtime.resolve(&step.auth);
            let mut headers: Vec<(String, String)> =
                step.headers.iter().map(|(k, v)| (k.clone(), substitute(v, &vars))).collect();
            if let Some(token) = self.token_for(client, &auth, &mut tokens, &vars).await? {
                headers.push(("authorization".to_owned(), token));
            }
            let body = match &step.body {
                Body::Json(value) => Body::Json(substitute_json(value, &vars)),
                Body::Raw(content_type, bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => Body::Raw(content_type.clone(), substitute(text, &vars).into()),
                    Err(_) => step.body.clone(),
                },
                other => other.clone(),
            };
            let path = substitute(&step.path, &vars);
            let exchange = client.send(step.method.clone(), &path, &headers, &body).await?;
            if let Some(expected) = step.expect {
                anyhow::ensure!(
                    exchange.status == expected,
                    "setup step {:?} on {} answered {} (expected {expected}): {}",
                    step.label,
                    client.base(),
                    exchange.status,
                    exchange.text()
                );
            }
            for (name, pointer) in &step.save {
                if let Some(value) = exchange.json().pointer(pointer).and_then(Value::as_str) {
                    vars.insert(name.clone(), value.to_owned());
                }
            }
            outcomes.push(outcome(step, &exchange, &mut normalizer));
        }
        Ok(outcomes)
    }

    async fn token_for(
        &self,
        client: &Client,
        auth: &As,
        tokens: &mut HashMap<String, String>,
        vars: &HashMap<String, String>,
    ) -> anyhow::Result<Option<String>> {
        let (key, collection, email, password) = match auth {
            As::Guest | As::Client(_) => return Ok(None),
            As::Header(value) => return Ok(Some(substitute(value, vars))),
            As::Superuser => {
                ("@superuser".to_owned(), "_superusers", SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
            }
            As::User(name) => {
                let user = self
                    .users
                    .iter()
                    .find(|u| &u.name == name)
                    .ok_or_else(|| anyhow::anyhow!("unknown fixture user {name}"))?;
                (name.clone(), "users", user.email.as_str(), user.password.as_str())
            }
        };
        if let Some(token) = tokens.get(&key) {
            return Ok(Some(token.clone()));
        }
        let token = client.login(collection, email, password).await?;
        tokens.insert(key, token.clone());
        Ok(Some(token))
    }
}

async fn seed_user_over_http(client: &Client, user: &UserFixture) -> anyhow::Result<()> {
    let token = client.login("_superusers", SUPERUSER_EMAIL, SUPERUSER_PASSWORD).await?;
    let mut body = user.fields.clone();
    if !body.is_object() {
        body = json!({});
    }
    body["email"] = Value::from(user.email.as_str());
    body["password"] = Value::from(user.password.as_str());
    body["passwordConfirm"] = Value::from(user.password.as_str());
    let exchange = client
        .send(
            Method::POST,
            "/api/collections/users/records",
            &[("authorization".into(), token)],
            &Body::Json(body),
        )
        .await?;
    anyhow::ensure!(exchange.status == 200, "seeding {} failed: {}", user.email, exchange.text());
    Ok(())
}

fn outcome(step: &Step, exchange: &Exchange, normalizer: &mut Normalizer) -> Outcome {
    let headers = step
        .check_headers
        .iter()
        .map(|name| {
            let values: Vec<&str> = exchange
                .headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (name.clone(), (!values.is_empty()).then(|| values.join(", ")))
        })
        .collect();
    let text_body =
        exchange.header("content-type").is_some_and(|t| !t.starts_with("application/json"));
    let body = if step.status_only {
        Value::Null
    } else if text_body && !exchange.body.is_empty() {
        Value::from(format!("<{} bytes: {}>", exchange.body.len(), exchange.text()))
    } else if exchange.body.is_empty() {
        Value::from("<empty>")
    } else {
        match serde_json::from_slice::<Value>(&exchange.body) {
            Ok(mut json) => {
                for pointer in &step.masks {
                    if let Some(value) = json.pointer_mut(pointer) {
                        *value = Value::from("<masked>");
                    }
                }
                normalizer.value(&json)
            }
            Err(_) => Value::from(format!("<non-json {} bytes>", exchange.body.len())),
        }
    };
    Outcome { status: exchange.status, headers, body }
}

pub(crate) fn substitute(text: &str, vars: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

fn substitute_json(value: &Value, vars: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::from(substitute(s, vars)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| substitute_json(v, vars)).collect())
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), substitute_json(v, vars))).collect())
        }
        other => other.clone(),
    }
}
