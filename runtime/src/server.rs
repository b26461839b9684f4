//! Binding and running the HTTP server: TCP listener (with `TCP_NODELAY`), the router with
//! client addresses, and graceful shutdown (in-flight requests finish, then the databases are
//! closed cleanly).

use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::App;

/// Starts servers.
pub struct Server;

/// A server that is accepting connections.
pub struct RunningServer {
    addr: SocketAddr,
    app: App,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Binds `addr` (e.g. `127.0.0.1:0`) and serves `app` until shut down.
    pub async fn bind(app: App, addr: &str) -> std::io::Result<RunningServer> {
        let listener = TcpListener::bind(addr).await?;
        Self::serve(app, listener)
    }

    /// Serves `app` on an already bound listener.
    pub fn serve(app: App, listener: TcpListener) -> std::io::Result<RunningServer> {
        let addr = listener.local_addr()?;
        let listener = listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let service =
            crate::http::router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(RunningServer { addr, app, stop: Some(stop), task })
    }
}

impl RunningServer {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served app.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, then closes the databases.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = (&mut self.task).await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        let app = self.app.clone();
        let _ = tokio::task::spawn_blocking(move || app.close()).await;
        result
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
