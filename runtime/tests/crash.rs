//! Crash safety of schema changes: a server killed (SIGKILL) in the middle of a large table
//! migration leaves a database that is intact and consistent after restart — the collection
//! is entirely in its old or entirely in its new shape, with every row.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wasmbase::store::Connection;

const WASMBASE: &str = env!("CARGO_BIN_EXE_wasmbase");
const ROWS: i64 = 200_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A blocking HTTP/1.1 request; returns status and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let body = body.unwrap_or("");
    let auth = token.map(|t| format!("Authorization: {t}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

// A plain test thread, not a tokio worker: sleeping here blocks nothing else.
#[allow(clippy::disallowed_methods)]
fn start(data: &Path, addr: &str) -> Child {
    let mut child = Command::new(WASMBASE)
        .args(["serve", &format!("--http={addr}"), &format!("--dir={}", data.display())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(addr).is_ok()
            && http(addr, "GET", "/api/health", None, None).0 == 200
        {
            return child;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

fn login(addr: &str) -> String {
    let (status, body) = http(
        addr,
        "POST",
        "/api/collections/_superusers/auth-with-password",
        None,
        Some(r#"{"identity":"admin@example.com","password":"pass123456"}"#),
    );
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["token"].as_str().unwrap().to_owned()
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(`{table}`)")).unwrap();
    let mut names: Vec<String> =
        stmt.query_map([], |row| row.get::<_, String>(1)).unwrap().map(Result::unwrap).collect();
    names.sort();
    names
}

fn field_names(conn: &Connection, name: &str) -> Vec<String> {
    let fields: String = conn
        .query_row("SELECT fields FROM _collections WHERE name = ?1", [name], |r| r.get(0))
        .unwrap();
    let fields: serde_json::Value = serde_json::from_str(&fields).unwrap();
    let mut names: Vec<String> =
        fields.as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

#[test]
#[allow(clippy::disallowed_methods)]
fn killing_the_server_mid_migration_leaves_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pb_data");
    let status = Command::new(WASMBASE)
        .args([
            "superuser",
            "upsert",
            "admin@example.com",
            "pass123456",
            &format!("--dir={}", data.display()),
        ])
        .status()
        .unwrap();
    assert!(status.success());

    let addr = format!("127.0.0.1:{}", free_port());
    let mut server = start(&data, &addr);
    let token = login(&addr);
    let (status, body) = http(
        &addr,
        "POST",
        "/api/collections",
        Some(&token),
        Some(
            r#"{"name":"big","fields":[{"name":"title","type":"text"},{"name":"status","type":"select","values":["a","b"],"maxSelect":1}]}"#,
        ),
    );
    assert_eq!(status, 200, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    let field_id = |name: &str| {
        created["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (id_id, title_id, status_id) = (field_id("id"), field_id("title"), field_id("status"));
    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let _ = server.wait();

    {
        let mut conn = Connection::open(data.join("data.db")).unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut insert =
                tx.prepare("INSERT INTO big (id, title, status) VALUES (?1, ?2, ?3)").unwrap();
            for i in 0..ROWS {
                insert
                    .execute((
                        format!("r{i:014}"),
                        format!("title {i}"),
                        if i % 2 == 0 { "a" } else { "b" },
                    ))
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let old_columns = columns(&Connection::open(data.join("data.db")).unwrap(), "big");

    let mut server = start(&data, &addr);
    let token = login(&addr);
    // Rename a field and turn a single select into a multiple one: every row is rewritten.
    let patch = serde_json::json!({"fields": [
        {"id": id_id, "name": "id", "type": "text", "primaryKey": true, "required": true, "pattern": "^[a-z0-9]+$", "min": 15, "max": 15, "autogeneratePattern": "[a-z0-9]{15}"},
        {"id": title_id, "name": "heading", "type": "text"},
        {"id": status_id, "name": "status", "type": "select", "values": ["a", "b"], "maxSelect": 2},
        {"name": "extra", "type": "bool"},
    ]})
    .to_string();
    let (addr2, token2) = (addr.clone(), token);
    let request = std::thread::spawn(move || {
        http(&addr2, "PATCH", "/api/collections/big", Some(&token2), Some(&patch))
    });
    std::thread::sleep(Duration::from_millis(150));
    server.kill().unwrap();
    let _ = server.wait();
    let _ = request.join();

    let conn = Connection::open(data.join("data.db")).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM big", [], |r| r.get(0)).unwrap();
    assert_eq!(count, ROWS, "no row lost");
    let table = columns(&conn, "big");
    let schema = field_names(&conn, "big");
    assert_eq!(table, schema, "the table and _collections agree");
    eprintln!("shape after kill: {table:?}");
    let new_columns: Vec<String> = ["extra", "heading", "id", "status"].map(str::to_owned).to_vec();
    assert!(
        table == old_columns || table == new_columns,
        "old or new shape, nothing between: {table:?}"
    );
    drop(conn);

    let mut server = start(&data, &addr);
    let token = login(&addr);
    let (status, body) =
        http(&addr, "GET", "/api/collections/big/records?perPage=1", Some(&token), None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("\"totalItems\":{ROWS}")), "{body}");
    let _ = server.kill();
    let _ = server.wait();
}
