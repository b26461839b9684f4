//! The `wasmbase` binary against `pocketbase-ref`, side by side: the same command lines on
//! fresh data dirs give the same exit codes and the same output (timestamps and the program
//! name masked). Also: `serve` starts on an empty dir, prints where the API is, answers, and
//! exits 0 on SIGTERM.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WASMBASE: &str = env!("CARGO_BIN_EXE_wasmbase");

fn reference() -> String {
    std::env::var("POCKETBASE_REF").unwrap_or_else(|_| "pocketbase-ref".to_owned())
}

/// Exit code, stdout and stderr with Go log timestamps and program names masked.
fn run(bin: &str, args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = Command::new(bin)
        .args(args)
        .arg(format!("--dir={}", dir.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e} (install pocketbase-ref with ../shared/tools/install-pocketbase-ref)"));
    let clean = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(|line| {
                let line = line.replace("pocketbase-ref", "PROGRAM").replace("wasmbase", "PROGRAM");
                match line.get(..20) {
                    Some(prefix)
                        if prefix.as_bytes()[4] == b'/' && prefix.as_bytes()[19] == b' ' =>
                    {
                        line[20..].to_owned()
                    }
                    _ => line,
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    (output.status.code().unwrap_or(-1), clean(&output.stdout), clean(&output.stderr))
}

/// Plays the same command lines on two fresh dirs and compares each outcome.
fn same_as_reference(commands: &[&[&str]]) {
    let ours = tempfile::tempdir().unwrap();
    let theirs = tempfile::tempdir().unwrap();
    let mut report = String::new();
    for args in commands {
        let want = run(&reference(), args, &theirs.path().join("pb_data"));
        let got = run(WASMBASE, args, &ours.path().join("pb_data"));
        if want != got {
            report.push_str(&format!("\n{args:?}\n  pocketbase: {want:?}\n  wasmbase:   {got:?}"));
        }
    }
    assert!(report.is_empty(), "CLI differs from pocketbase-ref:{report}");
}

#[test]
fn superuser_commands_match_pocketbase() {
    same_as_reference(&[
        &["superuser", "create", "a@b.co", "pass12345"],
        &["superuser", "create", "a@b.co", "pass12345"],
        &["superuser", "create", "bad", "x"],
        &["superuser", "create", "a2@b.co", "short"],
        &["superuser", "create"],
        &["superuser", "create", "a3@b.co", "pass12345", "extra"],
        &["superuser", "upsert", "a@b.co", "pass123456"],
        &["superuser", "upsert", "c@b.co", "x"],
        &["superuser", "update", "a@b.co", "pass1234567"],
        &["superuser", "update", "none@b.co", "pass1234567"],
        &["superuser", "delete", "a@b.co"],
        &["superuser", "delete", "nope@b.co"],
        &["superuser", "delete"],
        &["superuser", "delete", "a@b.co", "extra"],
        &["superuser", "otp"],
        &["superuser", "otp", "a@b.co"],
        &["superuser", "ips", "bad", "1.2.3.4"],
        &["superuser", "ips", "127.0.0.1", "10.0.0.0/8"],
        &["superuser", "ips"],
        &["superuser", "upsert", "d@b.co", "pass123456"],
        &["superuser", "delete", "a@b.co"],
    ]);
}

#[test]
fn unknown_commands_and_flags_fail_like_pocketbase() {
    same_as_reference(&[&["bogus"], &["serve", "--bogus"], &["superuser", "create", "--nope"]]);
}

#[test]
fn help_and_version_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    for args in
        [&["--help"][..], &["serve", "--help"], &["superuser"], &["superuser", "bogus"], &[]]
    {
        let (code, stdout, _) = run(WASMBASE, args, dir.path());
        assert_eq!(code, 0, "{args:?}");
        assert!(!stdout.is_empty(), "{args:?} printed nothing");
    }
    let output = Command::new(WASMBASE).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("wasmbase version {}", env!("CARGO_PKG_VERSION"))
    );
}

// A plain test thread, not a tokio worker: sleeping here blocks nothing else.
#[allow(clippy::disallowed_methods)]
fn wait_for_health(url: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(mut stream) = std::net::TcpStream::connect(url) {
            use std::io::{Read, Write};
            let _ = stream
                .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            if response.starts_with("HTTP/1.1 200") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn serve_creates_pb_data_prints_the_api_url_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pb_data");
    let addr = format!("127.0.0.1:{}", free_port());
    let child = Command::new(WASMBASE)
        .args(["serve", &format!("--http={addr}"), &format!("--dir={}", data.display())])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(wait_for_health(&addr), "no 200 from /api/health");
    assert!(data.join("data.db").exists() && data.join("auxiliary.db").exists());
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("Server started at http://{addr}")), "{stdout}");
    assert!(stdout.contains(&format!("REST API:  http://{addr}/api/")), "{stdout}");
    assert!(
        stdout.contains("superuser upsert"),
        "an empty dir prompts for the first superuser: {stdout}"
    );
}

#[test]
fn serve_reports_a_taken_port_like_pocketbase() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let want = run(&reference(), &["serve", &format!("--http={addr}")], &dir.path().join("a"));
    let got = run(WASMBASE, &["serve", &format!("--http={addr}")], &dir.path().join("b"));
    assert_eq!(want, got);
    let want = run(&reference(), &["serve", "--http=bad"], &dir.path().join("a"));
    let got = run(WASMBASE, &["serve", "--http=bad"], &dir.path().join("b"));
    assert_eq!(want, got);
}
