//! Realtime under bad input and churn (wasmbase only): garbage subscription bodies are refused
//! without harming connected clients, a full set of 1000 long topics works, and clients that
//! connect and vanish in a loop are forgotten, leaving the server answering and its memory
//! near where it started.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use wasmbase_tests::client::{Body, Part};
use wasmbase_tests::process::ServerProcess;
use wasmbase_tests::sse::{Frame, SseClient};
use wasmbase_tests::{Client, TestServer};

const WAIT: Duration = Duration::from_secs(10);

async fn superuser(client: &Client) -> String {
    client.login("_superusers", "admin@example.com", "pass123456").await.unwrap()
}

async fn create_tags(client: &Client, token: &str) {
    let body = json!({"name": "tags", "fields": [{"name": "name", "type": "text"}],
        "listRule": "", "viewRule": "", "createRule": ""});
    let auth = [("authorization".to_owned(), token.to_owned())];
    let created = client.send(Method::POST, "/api/collections", &auth, &Body::Json(body)).await;
    assert_eq!(created.unwrap().status, 200);
}

/// Connects and returns the client with its id (from `PB_CONNECT`).
async fn connect(base: &str) -> (SseClient, String) {
    let mut sse = SseClient::connect(base, "/api/realtime", &[]).await.unwrap();
    match sse.next(WAIT).await {
        Some(Frame::Message(m)) if m.event == "PB_CONNECT" => (sse, m.id),
        other => panic!("expected PB_CONNECT, got {other:?}"),
    }
}

async fn subscribe(client: &Client, id: &str, topics: &[&str]) -> u16 {
    let body = json!({"clientId": id, "subscriptions": topics});
    client.post_json("/api/realtime", body).await.unwrap().status
}

/// The event names of the messages that arrive until the stream is quiet.
async fn received(sse: &mut SseClient) -> Vec<String> {
    let mut names = Vec::new();
    while let Some(frame) = sse.next(Duration::from_millis(500)).await {
        match frame {
            Frame::Message(m) => names.push(m.event),
            Frame::Closed => names.push("<closed>".to_owned()),
        }
    }
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_subscription_bodies_are_refused_without_harm() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    let token = superuser(&client).await;
    create_tags(&client, &token).await;
    let (mut sse, id) = connect(server.url()).await;
    assert_eq!(subscribe(&client, &id, &["tags/*"]).await, 204);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bodies: Vec<(Option<&str>, Vec<u8>)> = vec![
        (Some("application/json"), b"\xff\xfe\x00garbage".to_vec()),
        (Some("application/json"), deep.into_bytes()),
        (Some("application/json"), format!("{{\"clientId\":\"{}\"}}", "x".repeat(1 << 20)).into()),
        (
            Some("application/json"),
            json!({"clientId": id, "subscriptions": [[["x"]]]}).to_string().into(),
        ),
        (
            Some("application/json"),
            json!({"clientId": id, "subscriptions": [null, 1, true]}).to_string().into(),
        ),
        (Some("application/json"), json!({"clientId": {"$ne": ""}}).to_string().into()),
        (
            Some("application/json"),
            json!({"clientId": id, "subscriptions": "tags/*"}).to_string().into(),
        ),
        (
            Some("application/json"),
            b"{\"clientId\":\"a\",\"subscriptions\":[\"\\ud800\"]}".to_vec(),
        ),
        (Some("application/x-www-form-urlencoded"), b"clientId=%zz&subscriptions=%ff%fe".to_vec()),
        (Some("application/x-www-form-urlencoded"), vec![b'&'; 100_000]),
        (Some("multipart/form-data; boundary=x"), b"--x\r\nnot a part".to_vec()),
        (Some("multipart/form-data"), b"--x\r\n\r\n--x--".to_vec()),
        (Some("text/xml"), b"<clientId>".to_vec()),
        (None, b"\x00\x01\x02".to_vec()),
    ];
    for (content_type, bytes) in bodies {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
        let body = Body::Raw(content_type.map(str::to_owned), bytes);
        let exchange = client.send(Method::POST, "/api/realtime", &[], &body).await.unwrap();
        assert!(
            (400..500).contains(&exchange.status),
            "{content_type:?} {head:?}: {} {}",
            exchange.status,
            exchange.text()
        );
        let error = exchange.json();
        assert_eq!(error["status"], Value::from(exchange.status), "{head:?}: {}", exchange.text());
    }
    let parts = vec![
        Part::text("clientId", &id),
        Part::file("subscriptions", "x.bin", "application/octet-stream", b"\xff"),
    ];
    let multipart = Body::Multipart(parts);
    let exchange = client.send(Method::POST, "/api/realtime", &[], &multipart).await.unwrap();
    assert!(exchange.status == 204 || (400..500).contains(&exchange.status), "{}", exchange.text());

    assert_eq!(subscribe(&client, &id, &["tags/*"]).await, 204, "the client is still known");
    let auth = [("authorization".to_owned(), token)];
    let record = Body::Json(json!({"name": "after garbage"}));
    let created = client.send(Method::POST, "/api/collections/tags/records", &auth, &record);
    assert_eq!(created.await.unwrap().status, 200);
    assert_eq!(received(&mut sse).await, ["tags/*"]);
    assert_eq!(client.get("/api/health").await.unwrap().status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_set_of_long_topics_is_kept_and_matched() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.url());
    let token = superuser(&client).await;
    create_tags(&client, &token).await;
    let (mut sse, id) = connect(server.url()).await;
    let padding = "x".repeat(2400);
    let mut topics: Vec<String> =
        (0..999).map(|i| format!("tags/{i:04}?options={padding}")).collect();
    topics.push("tags/*".to_owned());
    assert!(topics.iter().all(|t| t.len() <= 2500));
    let topic_refs: Vec<&str> = topics.iter().map(String::as_str).collect();
    assert_eq!(subscribe(&client, &id, &topic_refs).await, 204);
    let mut too_many = topic_refs.clone();
    too_many.push("tags");
    assert_eq!(subscribe(&client, &id, &too_many).await, 400);

    let auth = [("authorization".to_owned(), token)];
    let record = Body::Json(json!({"name": "one"}));
    let created = client.send(Method::POST, "/api/collections/tags/records", &auth, &record);
    assert_eq!(created.await.unwrap().status, 200);
    assert_eq!(received(&mut sse).await, ["tags/*"], "the refused set left the full one");

    let many_records: Vec<String> = (0..1000).map(|i| format!("tags/rec{i:012}")).collect();
    let refs: Vec<&str> = many_records.iter().map(String::as_str).collect();
    assert_eq!(subscribe(&client, &id, &refs).await, 204);
    let record = Body::Json(json!({"id": "rec000000000999", "name": "last"}));
    let created = client.send(Method::POST, "/api/collections/tags/records", &auth, &record);
    assert_eq!(created.await.unwrap().status, 200);
    assert_eq!(received(&mut sse).await, ["tags/rec000000000999"]);
}

/// How many clients connect and vanish, and how much the server's memory may grow meanwhile:
/// 2000 churned clients grow it by about 150 KiB, while clients left registered grow it by
/// about 2.3 KiB each (4.6 MiB in all, measured by disabling the unregister).
const CHURN: usize = 2000;
const RSS_SLACK_KIB: u64 = 2 * 1024;

#[tokio::test(flavor = "multi_thread")]
async fn clients_that_vanish_are_forgotten_and_memory_returns() {
    let server = ServerProcess::start().await.unwrap();
    let client = Client::new(server.url());
    let token = superuser(&client).await;
    create_tags(&client, &token).await;
    let auth = [("authorization".to_owned(), token)];
    churn(&server, &client, 200).await;
    let baseline = server.rss_kib().unwrap();

    let ids = churn(&server, &client, CHURN).await;
    let record = Body::Json(json!({"name": "after churn"}));
    let created = client.send(Method::POST, "/api/collections/tags/records", &auth, &record);
    assert_eq!(created.await.unwrap().status, 200, "the server still answers");
    for id in &ids {
        assert_eq!(forgotten(&client, id).await, 404, "client {id} is still registered");
    }
    let after = server.rss_kib().unwrap();
    assert!(
        after <= baseline + RSS_SLACK_KIB,
        "RSS grew from {baseline} KiB to {after} KiB over {CHURN} vanished clients"
    );
    let (mut sse, id) = connect(server.url()).await;
    assert_eq!(subscribe(&client, &id, &["tags/*"]).await, 204);
    let created = client.send(Method::POST, "/api/collections/tags/records", &auth, &record);
    assert_eq!(created.await.unwrap().status, 200);
    assert_eq!(received(&mut sse).await, ["tags/*"]);
}

/// Connects `count` clients one after another; every other one subscribes first. Each closes
/// its connection right away. Returns their ids.
async fn churn(server: &ServerProcess, client: &Client, count: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let (sse, id) = connect(server.url()).await;
        if i % 2 == 0 {
            let topics = ["tags/*", "tags/abc?options=%7B%22query%22%3A%7B%7D%7D", "@oauth2"];
            assert_eq!(subscribe(client, &id, &topics).await, 204);
        }
        drop(sse);
        ids.push(id);
    }
    ids
}

/// Asks about a vanished client until the server answers 404 (it notices the closed
/// connection asynchronously) or [`WAIT`] passes; returns the last status.
async fn forgotten(client: &Client, id: &str) -> u16 {
    let started = std::time::Instant::now();
    loop {
        let status = subscribe(client, id, &[]).await;
        if status == 404 || started.elapsed() >= WAIT {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
