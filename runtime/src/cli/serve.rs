//! `wasmbase serve`: opens `pb_data` (creating it on first start), binds the HTTP address,
//! prints where the API is (as PocketBase does), and runs until SIGINT/SIGTERM, then stops
//! gracefully: in-flight requests finish and the databases are closed.

use std::path::Path;

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
    check_data_dir(&global.dir)?;
    let app = App::open(app_config(global, args)).await.map_err(|e| e.to_string())?;
    if let Err(error) = app.start_hooks(global.hooks_watch).await {
        app.close();
        return Err(error);
    }
    let listener = match TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(error) => {
            app.close();
            return Err(listen_error(&addr, &error));
        }
    };
    let stop = shutdown_signal();
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
    stop.await;
    tracing::info!("shutting down");
    server.shutdown().await.map_err(|e| e.to_string())?;
    tracing::info!("stopped: in-flight requests finished, databases closed");
    Ok(())
}

/// Fails early with the reason when `pb_data` cannot be created or written (say a read-only or
/// foreign-owned volume), rather than with SQLite's bare "unable to open database file".
fn check_data_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the data dir {}: {e}", dir.display()))?;
    let probe = dir.join(format!(".wasmbase-write-test-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => return Err(format!("the data dir {} is not writable: {e}", dir.display())),
    }
    for name in ["data.db", "data.db-wal", "auxiliary.db", "auxiliary.db-wal"] {
        let path = dir.join(name);
        if path.exists() {
            std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .map_err(|e| format!("{} is not writable: {e}", path.display()))?;
        }
    }
    Ok(())
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

/// Installs the SIGINT/SIGTERM handlers now (before the server answers anything, so a signal
/// sent as soon as it is healthy is never lost) and returns the wait for either.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let streams = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            match streams {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_problems_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("pb_data");
        check_data_dir(&dir).unwrap();
        assert!(dir.is_dir());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "the write probe is removed");

        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let error = check_data_dir(&file.join("pb_data")).unwrap_err();
        assert!(error.starts_with("cannot create the data dir "), "{error}");

        // A data.db that cannot be opened for writing (here: a folder) is named.
        std::fs::create_dir(dir.join("data.db")).unwrap();
        let error = check_data_dir(&dir).unwrap_err();
        assert!(error.contains("data.db is not writable: "), "{error}");
    }
}
