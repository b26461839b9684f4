//! `wasmbase healthcheck`: exit 0 on a 200 from a real `wasmbase serve`, 1 with a Go-log-style
//! line on another status, a closed port, or something that is not HTTP; the default URL
//! follows `WASMBASE_HTTP`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const WASMBASE: &str = env!("CARGO_BIN_EXE_wasmbase");

fn healthcheck(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(WASMBASE);
    command.arg("healthcheck").args(args);
    command.env_remove("WASMBASE_HTTP").env_remove("WASMBASE_HEALTHCHECK_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// A one-shot server on a free loopback port that answers the first request with `response`
/// and hands back the request it read.
fn one_shot(response: &'static [u8]) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0_u8; 512];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = stream.write_all(response);
        String::from_utf8_lossy(&request).into_owned()
    });
    (addr, handle)
}

fn assert_failed_with(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let line = stderr.lines().next().unwrap_or_default();
    // `2026/11/24 16:50:28 healthcheck …`
    assert!(line.len() > 20 && line.as_bytes()[4] == b'/' && line.as_bytes()[19] == b' ', "{line}");
    assert!(line[20..].starts_with("healthcheck "), "{line}");
    assert!(line.contains(needle), "expected {needle:?} in {line}");
}

#[test]
fn a_200_exits_zero_and_sends_a_plain_get() {
    let (addr, server) = one_shot(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    let output = healthcheck(&[&format!("--url=http://{addr}/api/health?x=1")], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty() && output.stdout.is_empty());
    let request = server.join().unwrap();
    assert!(request.starts_with("GET /api/health?x=1 HTTP/1.1\r\n"), "{request}");
    assert!(request.contains(&format!("Host: {addr}\r\n")), "{request}");
}

#[test]
fn another_status_exits_one() {
    let (addr, server) = one_shot(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    let output = healthcheck(&[&format!("--url=http://{addr}/api/health")], &[]);
    assert_failed_with(&output, "unhealthy, HTTP status 503");
    server.join().unwrap();
}

#[test]
fn not_http_exits_one() {
    let (addr, server) = one_shot(b"SSH-2.0-OpenSSH_9.2\r\n");
    let output = healthcheck(&[&format!("--url=http://{addr}/")], &[]);
    assert_failed_with(&output, "not an HTTP response");
    server.join().unwrap();
}

#[test]
fn a_closed_port_exits_one() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let output = healthcheck(&[&format!("--url=http://127.0.0.1:{port}/api/health")], &[]);
    assert_failed_with(&output, &format!("dial tcp 127.0.0.1:{port}"));
}

#[test]
fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let started = Instant::now();
    let output = healthcheck(&[&format!("--url=http://{addr}/"), "--timeout=1"], &[]);
    assert_failed_with(&output, "no response");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    drop(listener);
}

#[test]
fn https_is_refused() {
    let output = healthcheck(&["--url=https://127.0.0.1:1/"], &[]);
    assert_failed_with(&output, "only http://");
}

// A plain test thread: sleeping here blocks nothing else.
#[allow(clippy::disallowed_methods)]
fn wait_until_healthy(env: &[(&str, &str)]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if healthcheck(&["--timeout=1"], env).status.success() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn checks_a_real_server_found_through_wasmbase_http() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // `serve` and `healthcheck` read the same variable; 0.0.0.0 is probed on loopback.
    let http = format!("0.0.0.0:{port}");
    let mut child = Command::new(WASMBASE)
        .arg("serve")
        .env("WASMBASE_HTTP", &http)
        .env("WASMBASE_DIR", dir.path().join("pb_data"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let healthy = wait_until_healthy(&[("WASMBASE_HTTP", &http)]);
    let explicit = healthcheck(&[&format!("--url=http://127.0.0.1:{port}/api/health")], &[]);
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = child.wait().unwrap();
    assert!(healthy, "healthcheck never passed against a running server");
    assert!(explicit.status.success(), "{}", String::from_utf8_lossy(&explicit.stderr));
    assert_eq!(status.code(), Some(0));
    // Stopped: the same check now fails.
    assert_failed_with(&healthcheck(&[], &[("WASMBASE_HTTP", &http)]), "dial tcp");
}
