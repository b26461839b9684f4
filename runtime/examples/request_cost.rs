//! The server's own cost of a request, without network or scheduling noise: the router is
//! called in-process (`tower::ServiceExt::oneshot`) on one thread, N times per path, in rounds,
//! and the time per request printed. Useful to compare builds (`docs/performance.md`); the bench
//! (`../shared/bench`) remains the measure that counts.
//!
//! ```text
//! examples/build.sh /tmp/hooks
//! cargo run --release -p wasmbase --example request_cost -- /tmp/hooks 20000 /api/health /api/hello/bob
//! ```
//!
//! The data dir is a fresh temporary one (its compiled-module cache starts cold, so the first
//! round includes nothing but requests: modules are compiled before it).

#![allow(clippy::print_stdout)] // compat: printing the timings is this program's job.

use std::time::Instant;

use tower::ServiceExt;
use wasmbase::app::{App, AppConfig};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: request_cost HOOKS_DIR N PATH...";
    let hooks_dir = args.next().ok_or(usage)?;
    let n: usize = args.next().ok_or(usage)?.parse()?;
    let paths: Vec<String> = args.collect();
    if paths.is_empty() {
        return Err(usage.into());
    }
    let root = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let mut config = AppConfig::for_data_dir(root.path().join("pb_data"));
        config.hooks_dir = hooks_dir.into();
        let app = App::open(config).await?;
        app.start_hooks(false).await?;
        let router = wasmbase::http::router(app.clone());
        let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 40000));
        for round in 1..=ROUNDS {
            for path in &paths {
                let started = Instant::now();
                for _ in 0..n {
                    let request = http::Request::builder()
                        .uri(path.as_str())
                        .header(http::header::HOST, "127.0.0.1:8090")
                        .header(http::header::USER_AGENT, "request_cost")
                        .extension(axum::extract::ConnectInfo(peer))
                        .body(axum::body::Body::empty())?;
                    let response = router.clone().oneshot(request).await?;
                    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
                    std::hint::black_box(body);
                }
                let micros = started.elapsed().as_secs_f64() * 1e6 / n as f64;
                println!("round {round} {path}: {micros:.2} µs/request");
            }
        }
        app.close();
        Ok(())
    })
}
