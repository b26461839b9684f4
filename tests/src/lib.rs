//! The test harness: an in-process wasmbase server on a temp `pb_data`, the real PocketBase
//! (`pocketbase-ref`) as a child process, an HTTP client that records exchanges, and the
//! differential runner that plays one scenario against both and compares the normalised
//! outcomes. See `docs/testing.md`.

pub mod client;
pub mod diff;
pub mod normalize;
pub mod process;
pub mod realtime;
pub mod reference;
pub mod server;
pub mod sse;

pub use client::{Client, Exchange};
pub use diff::{Scenario, Step};
pub use reference::RefServer;
pub use server::TestServer;

/// Email of the superuser every test server starts with.
pub const SUPERUSER_EMAIL: &str = "admin@example.com";
/// Password of that superuser.
pub const SUPERUSER_PASSWORD: &str = "pass123456";

/// A free loopback port (bound and released; good enough for child processes).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// Waits (15 s at most) until `url`'s `/api/health` answers 2xx; `name` is for the error.
pub async fn wait_healthy(url: &str, name: &str) -> anyhow::Result<()> {
    use std::time::{Duration, Instant};
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        let response = client.get(format!("{url}/api/health")).send().await;
        if response.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("{name} did not become healthy at {url}")
}
