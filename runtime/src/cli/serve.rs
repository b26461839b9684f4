//! `wasmbase serve`: opens `pb_data` (creating it on first start), binds the HTTP address,
//! prints where the API is (as PocketBase does), and runs until SIGINT/SIGTERM, then stops
//! gracefully: in-flight requests finish and the databases are closed.

use tokio::net::TcpListener;

use super::args::{GlobalArgs, ServeArgs};
use crate::app::{App, AppConfig};
use crate::records::superusers;
use crate::server::Server;

/// Builds the app configuration from the command line.
pub fn app_config(global: &GlobalArgs, args: &ServeArgs) -> AppConfig {
    let mut config = AppConfig::for_data_dir(&global.dir);
    config.public_dir.clone_from(&global.public_dir);
    if let Some(hooks_dir) = &global.hooks_dir {
        config.hooks_dir.clone_from(hooks_dir);
    }
    config.dev = global.dev;
    config.index_fallback = global.index_fallback;
    config.origins.clone_from(&args.origins);
    config
}

/// Runs the server until a shutdown signal.
pub async fn run(global: &GlobalArgs, args: &ServeArgs) -> Result<(), String> {
    if args.https.is_some() {
        return Err("HTTPS (--https and automatic certificates) is not supported yet; serve HTTP behind a TLS proxy".to_owned());
    }
    let addr = match (&args.http, args.domains.is_empty()) {
        (Some(http), _) => http.clone(),
        (None, true) => "127.0.0.1:8090".to_owned(),
        (None, false) => "0.0.0.0:80".to_owned(),
    };
    let app = App::open(app_config(global, args)).await.map_err(|e| e.to_string())?;
    let listener = match TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(error) => {
            app.close();
            return Err(listen_error(&addr, &error));
        }
    };
    let server = Server::serve(app.clone(), listener).map_err(|e| e.to_string())?;
    let base = format!("http://{}", server.addr());
    println!("{} Server started at {base}", super::go_log_time());
    println!("├─ REST API:  {base}/api/");
    println!("└─ Dashboard: {base}/_/ (not available yet)");
    if superusers::count(&app).await.unwrap_or(1) == 0 {
        println!();
        println!("(!) No superuser exists yet. Create the first one by running:");
        println!("wasmbase superuser upsert EMAIL PASS --dir={}", global.dir.display());
    }
    println!();
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await.map_err(|e| e.to_string())
}

/// Go's wording for listen failures, e.g. `listen tcp 127.0.0.1:8090: bind: address already in use`.
fn listen_error(addr: &str, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => format!("listen tcp {addr}: bind: address already in use"),
        std::io::ErrorKind::PermissionDenied => {
            format!("listen tcp {addr}: bind: permission denied")
        }
        _ if !addr.contains(':') => format!("listen tcp: address {addr}: missing port in address"),
        _ => format!("listen tcp {addr}: {error}"),
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut terminate) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = interrupt.await;
            return;
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
