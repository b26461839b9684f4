//! WebAssembly hooks through the front door: the examples (`examples/build.sh`) and the test
//! fixtures (`tests/hooks-fixtures`, plus WAT modules written here) are built from source,
//! copied into a temp `pb_hooks`, and driven over HTTP: record events at request and model
//! level, custom routes, cron, the host API, limits, misbehaving modules and hot reload.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use wasmbase_tests::client::Body;
use wasmbase_tests::{Client, Exchange, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, TestServer};

/// The example and fixture modules, built once per test process (a file lock serialises
/// concurrent builds from parallel test processes).
fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let out = root.join("target/hooks-tests/modules");
        std::fs::create_dir_all(&out).unwrap();
        let status = std::process::Command::new("flock")
            .arg(root.join("target/hooks-tests/build.lock"))
            .arg(root.join("examples/build.sh"))
            .arg(&out)
            .arg("--fixtures")
            .status()
            .expect("run examples/build.sh");
        assert!(status.success(), "examples/build.sh failed");
        out
    })
}

/// The compile cache shared by every test server (so each module compiles once).
fn shared_cache() -> PathBuf {
    built().parent().unwrap().join("cache")
}

struct Hooked {
    server: TestServer,
    client: Client,
    token: String,
}

impl Hooked {
    fn hooks_dir(&self) -> PathBuf {
        self.server.root().join("pb_hooks")
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> Exchange {
        let headers = [("authorization".to_owned(), self.token.clone())];
        let body = if body.is_null() { Body::None } else { Body::Json(body) };
        self.client.send(method, path, &headers, &body).await.unwrap()
    }

    async fn get(&self, path: &str) -> Exchange {
        self.send(Method::GET, path, Value::Null).await
    }

    async fn post(&self, path: &str, body: Value) -> Exchange {
        self.send(Method::POST, path, body).await
    }

    async fn collection(&self, name: &str, fields: &[&str]) {
        let fields: Vec<Value> =
            fields.iter().map(|f| json!({"name": f, "type": "text"})).collect();
        let body = json!({
            "name": name, "type": "base", "fields": fields,
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
        });
        let created = self.post("/api/collections", body).await;
        assert_eq!(created.status, 200, "{}", created.text());
    }

    async fn records(&self, collection: &str) -> Vec<Value> {
        let list = self.get(&format!("/api/collections/{collection}/records?perPage=500")).await;
        assert_eq!(list.status, 200, "{}", list.text());
        list.json()["items"].as_array().cloned().unwrap_or_default()
    }

    async fn status(&self) -> Value {
        self.get("/api/hooks").await.json()
    }

    /// The event and reason of the latest failure of `module` (recorded before the answer).
    async fn failure(&self, module: &str) -> String {
        let status = self.status().await;
        status["failures"]
            .as_array()
            .and_then(|f| f.iter().rev().find(|f| f["module"] == module))
            .map(|f| format!("{} {}", f["event"].as_str().unwrap(), f["reason"].as_str().unwrap()))
            .unwrap_or_default()
    }
}

/// A server with `modules` (file name in the built dir → file name in `pb_hooks`), the server
/// config `config` (`pb_data/hooks.json`) and hot reload on.
async fn start(modules: &[(&str, &str)], config: Value) -> Hooked {
    let cache = shared_cache();
    let server = TestServer::start_with(|c| {
        c.hooks.pool_size = 64;
        c.hooks.cache_dir = Some(cache);
    })
    .await
    .unwrap();
    let dir = server.root().join("pb_hooks");
    std::fs::create_dir_all(&dir).unwrap();
    for (from, to) in modules {
        std::fs::copy(built().join(from), dir.join(to)).unwrap();
    }
    if !config.is_null() {
        std::fs::write(server.root().join("pb_data/hooks.json"), config.to_string()).unwrap();
    }
    server.start_hooks(true).await.unwrap();
    let client = Client::new(server.url());
    let token = client.login("_superusers", SUPERUSER_EMAIL, SUPERUSER_PASSWORD).await.unwrap();
    Hooked { server, client, token }
}

/// A hand-written module: `manifest` JSON, and `handle` as the body of
/// `pb_handle(ptr, len) -> i64` (the answer at offset 2048 is `answer`; `$answer` packs it).
fn wat_module(imports: &str, manifest: &str, answer: &str, handle: &str) -> Vec<u8> {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let text = format!(
        r#"(module
  {imports}
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 65536))
  (data (i32.const 1024) "{manifest}")
  (data (i32.const 2048) "{answer}")
  (func (export "pb_alloc") (param $len i32) (result i32) (local $ptr i32)
    global.get $bump local.set $ptr
    global.get $bump local.get $len i32.add global.set $bump
    local.get $ptr)
  (func (export "pb_manifest") (result i64)
    i64.const {manifest_packed})
  (func $answer (result i64) i64.const {answer_packed})
  (func (export "pb_handle") (param $ptr i32) (param $len i32) (result i64)
    {handle})
)"#,
        manifest = escape(manifest),
        answer = escape(answer),
        manifest_packed = (1024i64 << 32) | manifest.len() as i64,
        answer_packed = (2048i64 << 32) | answer.len() as i64,
    );
    wat::parse_str(text).unwrap()
}

const HELLO_MANIFEST: &str =
    r#"{"abi":1,"routes":[{"method":"GET","path":"/api/hello/{name}","handler":0}]}"#;

fn replaced_hello() -> Vec<u8> {
    wat_module(
        "",
        HELLO_MANIFEST,
        r#"{"action":"respond","status":200,"body":{"message":"replaced"}}"#,
        "call $answer",
    )
}

/// Polls `check` until it holds, for at most `limit`; returns how long it took.
async fn within(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

#[tokio::test]
async fn slugify_fills_empty_slugs_on_create_and_update() {
    let h = start(&[("rust_slugify.wasm", "rust_slugify.wasm")], Value::Null).await;
    h.collection("articles", &["title", "slug"]).await;
    h.collection("plain", &["title", "handle"]).await;

    let created =
        h.post("/api/collections/articles/records", json!({"title": "Hello, World! Über 2"})).await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.json()["slug"], "hello-world-über-2");
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let kept =
        h.post("/api/collections/articles/records", json!({"title": "X", "slug": "mine"})).await;
    assert_eq!(kept.json()["slug"], "mine");

    let path = format!("/api/collections/articles/records/{id}");
    let updated =
        h.send(Method::PATCH, &path, json!({"title": "--New  title--", "slug": ""})).await;
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(updated.json()["slug"], "new-title");

    // A collection without a `slug` field does not get the hook.
    let plain = h.post("/api/collections/plain/records", json!({"title": "Spam here"})).await;
    assert_eq!(plain.status, 200, "{}", plain.text());
}

#[tokio::test]
async fn slugify_rejects_spam_with_a_field_error_on_every_write_path() {
    let h = start(&[("rust_slugify.wasm", "rust_slugify.wasm")], Value::Null).await;
    h.collection("articles", &["title", "slug"]).await;
    let rejected =
        h.post("/api/collections/articles/records", json!({"title": "Buy SPAM now"})).await;
    assert_eq!(rejected.status, 400);
    assert_eq!(
        rejected.json()["data"]["title"],
        json!({"code": "validation_spam", "message": "No spam."})
    );
    assert_eq!(rejected.json()["status"], 400);

    // Batch: the same hooks run for each item; a reject rolls the whole batch back.
    let enable = h
        .send(
            Method::PATCH,
            "/api/settings",
            json!({"batch": {"enabled": true, "maxRequests": 10}}),
        )
        .await;
    assert_eq!(enable.status, 200, "{}", enable.text());
    let item = |title: &str| json!({"method": "POST", "url": "/api/collections/articles/records", "body": {"title": title}});
    let batch =
        h.post("/api/batch", json!({"requests": [item("Fine one"), item("spam two")]})).await;
    assert_eq!(batch.status, 400, "{}", batch.text());
    assert_eq!(
        batch.json()["data"]["requests"]["1"]["response"]["data"]["title"]["code"],
        "validation_spam"
    );
    assert!(h.records("articles").await.is_empty(), "the batch was rolled back");
    let batch = h.post("/api/batch", json!({"requests": [item("Fine one")]})).await;
    assert_eq!(batch.status, 200, "{}", batch.text());
    assert_eq!(batch.json()[0]["body"]["slug"], "fine-one");
}

#[tokio::test]
async fn as_hello_answers_its_route_and_core_routes_win() {
    let h = start(&[("as_hello.wasm", "as_hello.wasm")], Value::Null).await;
    let hello = h.client.get("/api/hello/Ana%20Lu").await.unwrap();
    assert_eq!(hello.status, 200);
    assert_eq!(hello.json(), json!({"message": "Hello Ana Lu!"}));
    assert_eq!(hello.header("content-type"), Some("application/json"));
    assert_eq!(h.client.get("/api/health").await.unwrap().json()["message"], "API is healthy.");
    assert_eq!(h.client.get("/api/hello").await.unwrap().status, 404);
    let post = h.client.post_json("/api/hello/x", json!({})).await.unwrap();
    assert_eq!(post.status, 404, "only GET is registered");
}

#[tokio::test]
async fn audit_logs_successful_writes_when_audit_log_exists() {
    let h = start(&[("rust_audit.wasm", "rust_audit.wasm")], Value::Null).await;
    h.collection("posts", &["title"]).await;
    // No audit_log yet: writes still succeed.
    let first = h.post("/api/collections/posts/records", json!({"title": "a"})).await;
    assert_eq!(first.status, 200);
    h.collection("audit_log", &["collection", "record", "action"]).await;
    let created = h.post("/api/collections/posts/records", json!({"title": "b"})).await;
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let path = format!("/api/collections/posts/records/{id}");
    assert_eq!(h.send(Method::PATCH, &path, json!({"title": "c"})).await.status, 200);
    assert_eq!(h.send(Method::DELETE, &path, Value::Null).await.status, 204);
    let mut entries: Vec<(String, String, String)> = h
        .records("audit_log")
        .await
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap().to_owned();
            (text("collection"), text("record"), text("action"))
        })
        .collect();
    entries.sort_by(|a, b| a.2.cmp(&b.2));
    let expected =
        ["create", "delete", "update"].map(|a| ("posts".to_owned(), id.clone(), a.to_owned()));
    assert_eq!(entries, expected);
}

#[tokio::test]
async fn model_hooks_run_inside_the_write_transaction() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    h.collection("fx_log", &["note"]).await;
    h.collection("fx_notes", &["title"]).await;
    // onRecordCreate saves into fx_log; onRecordAfterCreate sees that uncommitted row.
    let ok = h.post("/api/collections/fx_notes/records", json!({"title": "kept"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    // A reject after the nested write rolls both back.
    let rolled = h.post("/api/collections/fx_notes/records", json!({"title": "rollback"})).await;
    assert_eq!(rolled.status, 400, "{}", rolled.text());
    assert_eq!(rolled.json()["message"], "Rolled back on purpose.");
    let notes: Vec<Value> = h.records("fx_log").await.iter().map(|r| r["note"].clone()).collect();
    assert_eq!(notes, [json!("kept")]);
    assert_eq!(h.records("fx_notes").await.len(), 1);
}

#[tokio::test]
async fn hook_writes_reenter_hooks_until_the_depth_limit() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    h.collection("fx_loop", &["depth"]).await;
    let looped = h.post("/api/collections/fx_loop/records", json!({})).await;
    assert_eq!(looped.status, 400, "{}", looped.text());
    assert!(
        looped.json()["message"].as_str().unwrap().contains("nest deeper than 4"),
        "{}",
        looped.text()
    );
    assert!(h.records("fx_loop").await.is_empty(), "everything rolled back");
}

#[tokio::test]
async fn fetch_is_refused_in_transactions_and_limited_to_the_allowlist() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    h.collection("fx_fetch", &["title"]).await;
    let refused = h.post("/api/collections/fx_fetch/records", json!({"title": "x"})).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["message"].as_str().unwrap().starts_with("Forbidden: http.fetch is refused"),
        "{}",
        refused.text()
    );

    let own = h.server.url().trim_start_matches("http://").to_owned();
    let url = format!("/api/fx/fetch?url=http://{own}/api/health");
    let denied = h.get(&url).await.json();
    assert_eq!(denied["error"], "forbidden", "{denied}");

    let config = json!({"modules": {"fx": {"allowHosts": [own]}}});
    std::fs::write(h.server.root().join("pb_data/hooks.json"), config.to_string()).unwrap();
    let reloaded = h.post("/api/hooks/reload", json!({})).await;
    assert_eq!(reloaded.status, 200);
    let fetched = h.get(&url).await.json();
    assert_eq!(fetched["status"], 200, "{fetched}");
    assert!(fetched["body"].as_str().unwrap().contains("API is healthy."));
}

#[tokio::test]
async fn modules_read_their_settings_from_the_server_config() {
    let config = json!({"modules": {"fx": {"settings": {"greeting": "hi there", "name": "fx"}}}});
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], config).await;
    assert_eq!(h.get("/api/fx/config").await.json(), "hi there");
}

#[tokio::test]
async fn request_hooks_can_answer_and_routes_can_require_auth() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    h.collection("fx_answered", &["title"]).await;
    let answered = h.post("/api/collections/fx_answered/records", json!({"title": "x"})).await;
    assert_eq!(answered.status, 202);
    assert_eq!(answered.json(), json!({"answered": true}));
    assert!(h.records("fx_answered").await.is_empty(), "the default action did not run");
    // A handler that swaps in another record patches by the difference (a missing field is
    // reset), like one that only sets fields.
    h.collection("fx_replaced", &["title", "body"]).await;
    let replaced =
        h.post("/api/collections/fx_replaced/records", json!({"title": "abc", "body": "x"})).await;
    assert_eq!(replaced.status, 200, "{}", replaced.json());
    assert_eq!(
        (replaced.json()["title"].clone(), replaced.json()["body"].clone()),
        (json!("ABC"), json!(""))
    );

    // A record handler reads the request, the stored record and the requester when it asks.
    h.collection("fx_seen", &["title", "seen"]).await;
    let created = h.post("/api/collections/fx_seen/records", json!({"title": "before"})).await;
    let path =
        format!("/api/collections/fx_seen/records/{}", created.json()["id"].as_str().unwrap());
    let headers =
        [("authorization".to_owned(), h.token.clone()), ("x-probe".to_owned(), "p1".to_owned())];
    let updated = h
        .client
        .send(Method::PATCH, &path, &headers, &Body::Json(json!({"title": "after"})))
        .await
        .unwrap();
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(updated.json()["seen"], json!(format!("PATCH default p1 before {SUPERUSER_EMAIL}")));
    let anonymous = h
        .client
        .send(Method::PATCH, &path, &[], &Body::Json(json!({"title": "again"})))
        .await
        .unwrap();
    assert_eq!(anonymous.json()["seen"], json!("PATCH default - after -"));

    assert_eq!(h.client.get("/api/fx/me").await.unwrap().status, 401);
    let me = h.get("/api/fx/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["id"].as_str().unwrap().len(), 15);
    let any = h.client.send(Method::PUT, "/api/fx/any/a/b", &[], &Body::None).await.unwrap();
    assert_eq!(any.json(), json!({"method": "PUT", "rest": "a/b"}));
}

#[tokio::test]
async fn hooks_run_by_priority_then_module_file_name() {
    let config = json!({"modules": {"fx_a": {"settings": {"name": "a"}}, "fx_b": {"settings": {"name": "b"}}}});
    let h =
        start(&[("fx_misbehave.wasm", "fx_b.wasm"), ("fx_misbehave.wasm", "fx_a.wasm")], config)
            .await;
    h.collection("fx_order", &["trail"]).await;
    let created = h.post("/api/collections/fx_order/records", json!({})).await;
    assert_eq!(created.json()["trail"], "a:early,b:early,a:late,b:late");
}

#[tokio::test]
async fn delete_hooks_can_refuse_and_model_hooks_patch_updates() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    h.collection("fx_keep", &["title"]).await;
    let created = h.post("/api/collections/fx_keep/records", json!({"title": "a"})).await;
    let path =
        format!("/api/collections/fx_keep/records/{}", created.json()["id"].as_str().unwrap());
    let refused = h.send(Method::DELETE, &path, Value::Null).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["message"], "Kept by a hook.");
    let updated = h.send(Method::PATCH, &path, json!({"title": "b"})).await;
    assert_eq!(updated.json()["title"], "b (checked)");
}

#[tokio::test]
async fn cron_jobs_run_on_schedule() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    h.collection("fx_ticks", &["n"]).await;
    let ticked =
        within(Duration::from_secs(5), async || !h.records("fx_ticks").await.is_empty()).await;
    assert!(ticked.is_some(), "the every-second job never ran");
}

#[tokio::test]
async fn a_panicking_module_costs_one_500_with_its_message() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    let panicked = h.get("/api/fx/panic").await;
    assert_eq!(panicked.status, 500);
    assert_eq!(panicked.json()["message"], "Something went wrong while processing your request.");
    let reason = h.failure("fx").await;
    assert!(reason.contains("route aborted: panicked: boom from rust at "), "{reason}");
    assert_eq!(h.client.get("/api/hello/x").await.unwrap().status, 404);
    assert_eq!(h.client.get("/api/health").await.unwrap().status, 200);
}

#[tokio::test]
async fn allocating_past_the_memory_cap_costs_one_500() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], json!({"limits": {"memoryMiB": 16}})).await;
    let hoarded = h.get("/api/fx/alloc").await;
    assert_eq!(hoarded.status, 500);
    assert!(
        h.failure("fx").await.contains("memory limit of 16 MiB reached"),
        "{}",
        h.failure("fx").await
    );
    assert_eq!(h.get("/api/fx/config").await.status, 200, "the next call gets a fresh instance");
}

#[tokio::test]
async fn a_runaway_hook_is_stopped_at_its_deadline_while_others_carry_on() {
    let h = start(
        &[("fx_misbehave.wasm", "fx.wasm")],
        json!({"limits": {"timeoutMs": {"route": 300}}}),
    )
    .await;
    let spinning = {
        let client = h.client.clone();
        tokio::spawn(async move { client.get("/api/fx/spin").await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..5 {
        assert_eq!(h.client.get("/api/health").await.unwrap().status, 200);
    }
    let stopped = spinning.await.unwrap();
    assert_eq!(stopped.status, 500);
    assert!(
        h.failure("fx").await.contains("deadline of 300 ms exceeded"),
        "{}",
        h.failure("fx").await
    );
}

#[tokio::test]
async fn a_hook_stuck_on_a_host_operation_is_stopped_after_its_deadline() {
    // A server that accepts and never answers: the hook's fetch waits on the host.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let config =
        json!({"limits": {"timeoutMs": {"route": 200}}, "modules": {"fx": {"allowHosts": [addr]}}});
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], config).await;
    let stuck = h.get(&format!("/api/fx/fetch?url=http://{addr}/")).await;
    assert_eq!(stuck.status, 500, "{}", stuck.text());
    let failure = h.failure("fx").await;
    assert!(failure.contains("deadline of 300 ms exceeded (waiting on the host)"), "{failure}");
    assert_eq!(h.get("/api/fx/config").await.status, 200, "the next call runs");
    held.abort();
}

#[tokio::test]
async fn traps_and_bad_answers_cost_one_500_each() {
    let h = start(&[], Value::Null).await;
    let dir = h.hooks_dir();
    let trap = wat_module("", HELLO_MANIFEST, "", "unreachable");
    std::fs::write(dir.join("trap.wasm"), trap).unwrap();
    let junk = r#"{"abi":1,"routes":[{"method":"GET","path":"/api/junk","handler":0}]}"#;
    std::fs::write(dir.join("junk.wasm"), wat_module("", junk, "not json", "call $answer"))
        .unwrap();
    h.post("/api/hooks/reload", json!({})).await;
    assert_eq!(h.get("/api/hello/x").await.status, 500);
    assert!(
        h.failure("trap").await.contains("trap: wasm `unreachable` instruction executed"),
        "{}",
        h.failure("trap").await
    );
    assert_eq!(h.get("/api/junk").await.status, 500);
    assert!(h.failure("junk").await.contains("unreadable answer"), "{}", h.failure("junk").await);
}

#[tokio::test]
async fn modules_the_host_cannot_link_are_rejected_at_load_naming_the_problem() {
    let h = start(&[], Value::Null).await;
    let dir = h.hooks_dir();
    let import = r#"(import "pb_v1" "teleport" (func (param i32)))"#;
    std::fs::write(
        dir.join("imports.wasm"),
        wat_module(import, HELLO_MANIFEST, "", "call $answer"),
    )
    .unwrap();
    let files = r#"(import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"#;
    std::fs::write(dir.join("files.wasm"), wat_module(files, HELLO_MANIFEST, "", "call $answer"))
        .unwrap();
    std::fs::write(dir.join("garbage.wasm"), b"\0asm\x01\0\0\0garbage").unwrap();
    std::fs::write(dir.join("component.wasm"), b"\0asm\x0d\0\x01\0").unwrap();
    let events = r#"{"abi":1,"hooks":[{"event":"onRecordExplode","handler":0}]}"#;
    std::fs::write(dir.join("events.wasm"), wat_module("", events, "", "call $answer")).unwrap();
    let status = h.post("/api/hooks/reload", json!({})).await.json();
    let error = |name: &str| status["errors"][name].as_str().unwrap_or_default().to_owned();
    assert!(
        error("imports").contains("link failed") && error("imports").contains("pb_v1::teleport"),
        "{status}"
    );
    assert!(error("files").contains("wasi_snapshot_preview1::path_open"), "{status}");
    assert!(error("garbage").starts_with("compile failed"), "{status}");
    assert!(error("component").contains("--target wasm32-wasip1"), "{status}");
    assert!(error("events").contains("unknown event `onRecordExplode`"), "{status}");
    assert_eq!(status["modules"], json!([]));
    assert_eq!(h.get("/api/hello/x").await.status, 404);
}

#[tokio::test]
async fn adding_replacing_and_deleting_modules_takes_effect_without_a_restart() {
    let h = start(&[], Value::Null).await;
    let dir = h.hooks_dir();
    let limit = Duration::from_secs(5);
    let answer =
        async |h: &Hooked| h.client.get("/api/hello/x").await.unwrap().json()["message"].clone();

    std::fs::copy(built().join("as_hello.wasm"), dir.join("hello.wasm")).unwrap();
    let added = within(limit, async || answer(&h).await == "Hello x!").await;
    assert!(added.is_some(), "added module not live within 5 s");

    std::fs::write(dir.join("hello.wasm"), replaced_hello()).unwrap();
    let replaced = within(limit, async || answer(&h).await == "replaced").await;
    assert!(replaced.is_some(), "replaced module not live within 5 s");

    // A broken version is rejected; the previous one stays live.
    std::fs::write(dir.join("hello.wasm"), b"\0asm\x01\0\0\0broken").unwrap();
    let reported =
        within(Duration::from_secs(2), async || h.status().await["errors"]["hello"].is_string())
            .await;
    assert!(reported.is_some(), "the broken module was not reported");
    assert_eq!(answer(&h).await, "replaced");

    std::fs::remove_file(dir.join("hello.wasm")).unwrap();
    let removed =
        within(limit, async || h.client.get("/api/hello/x").await.unwrap().status == 404).await;
    assert!(removed.is_some(), "deleted module still live after 5 s");
}

#[tokio::test]
async fn in_flight_calls_finish_on_the_old_module_and_reloads_under_load_lose_nothing() {
    let config = json!({"modules": {"fx": {"settings": {"name": "v1"}}}});
    let h =
        start(&[("fx_misbehave.wasm", "fx.wasm"), ("as_hello.wasm", "hello.wasm")], config).await;
    let dir = h.hooks_dir();
    let slow = {
        let client = h.client.clone();
        tokio::spawn(async move { client.get("/api/fx/slow?ms=600").await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The new fx.wasm has no /api/fx/slow route at all.
    std::fs::write(dir.join("fx.wasm"), replaced_hello()).unwrap();
    let swapped = within(Duration::from_secs(2), async || {
        h.client.get("/api/fx/config").await.unwrap().status == 404
    })
    .await;
    assert!(swapped.is_some());
    let finished = slow.await.unwrap();
    assert_eq!(finished.status, 200, "{}", finished.text());
    assert_eq!(finished.json()["version"], "v1");

    // Under load: every request answers 200 while hello.wasm flips between two versions.
    let load: Vec<_> = (0..4)
        .map(|_| {
            let client = h.client.clone();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..60 {
                    statuses.push(client.get("/api/hello/x").await.unwrap().status);
                }
                statuses
            })
        })
        .collect();
    for round in 0..6 {
        let bytes = if round % 2 == 0 {
            replaced_hello()
        } else {
            std::fs::read(built().join("as_hello.wasm")).unwrap()
        };
        std::fs::write(dir.join("hello.wasm"), bytes).unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    for task in load {
        let statuses = task.await.unwrap();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    }
}

#[tokio::test]
async fn compiled_modules_are_cached_across_restarts() {
    let cache = tempfile::tempdir().unwrap();
    let mut loads = Vec::new();
    for _ in 0..2 {
        let dir = cache.path().to_path_buf();
        let server = TestServer::start_with(|c| c.hooks.cache_dir = Some(dir)).await.unwrap();
        let hooks = server.root().join("pb_hooks");
        std::fs::create_dir_all(&hooks).unwrap();
        std::fs::copy(built().join("rust_slugify.wasm"), hooks.join("rust_slugify.wasm")).unwrap();
        server.start_hooks(false).await.unwrap();
        let status = server.app().hooks().status();
        loads.push((status["modules"][0]["fromCache"].clone(), status));
        server.stop().await.unwrap();
    }
    let from_cache: Vec<&Value> = loads.iter().map(|(f, _)| f).collect();
    assert_eq!(from_cache, [&json!(false), &json!(true)], "hooks status per start: {loads:#?}");
    let entries: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].ends_with(".cwasm"), "{entries:?}");
}

#[tokio::test]
async fn hook_failures_are_logged_with_module_event_and_reason() {
    let h = start(&[("fx_misbehave.wasm", "fx.wasm")], Value::Null).await;
    assert_eq!(h.get("/api/fx/panic").await.status, 500);
    let status = h.status().await;
    let failure = status["failures"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(failure["module"], "fx");
    assert_eq!(failure["event"], "route");
    assert!(failure["reason"].as_str().unwrap().contains("boom from rust"));
    assert_eq!(status["modules"][0]["name"], "fx");
    assert_eq!(status["modules"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(h.client.get("/api/hooks").await.unwrap().status, 401, "superusers only");
}

#[tokio::test]
async fn the_hand_written_module_of_the_abi_doc_works() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let doc = std::fs::read_to_string(root.join("docs/hooks-abi.md")).unwrap();
    let start = doc.find("```wat\n").unwrap() + "```wat\n".len();
    let text = &doc[start..start + doc[start..].find("```").unwrap()];
    let h = start_with_raw(&[("ping.wasm", wat::parse_str(text).unwrap())]).await;
    let ping = h.client.get("/api/ping").await.unwrap();
    assert_eq!(ping.status, 200);
    assert_eq!(ping.json(), json!({"pong": true}));
}

/// A server whose `pb_hooks` holds `modules` (file name, bytes).
async fn start_with_raw(modules: &[(&str, Vec<u8>)]) -> Hooked {
    let h = start(&[], Value::Null).await;
    for (name, bytes) in modules {
        std::fs::write(h.hooks_dir().join(name), bytes).unwrap();
    }
    h.post("/api/hooks/reload", json!({})).await;
    h
}
