//! Hot reload: `notify` watches `pb_hooks` (a polling watcher when the platform one cannot
//! start); changes to `.wasm` files are debounced (a quiet period, so a compiler's several
//! writes count once) and trigger a rescan. Unchanged files are skipped by hash; a broken file
//! keeps its previous version live and is retried on its next change.

use std::time::Duration;

use notify::{Event, EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::app::App;

/// Starts watching the app's `pb_hooks`; the returned watcher must be kept alive.
pub fn spawn(app: &App, debounce: Duration) -> Option<Box<dyn Watcher + Send>> {
    let dir = app.hooks().dir().to_path_buf();
    if !dir.is_dir() {
        tracing::debug!(dir = %dir.display(), "no hooks folder: not watching for hook changes");
        return None;
    }
    let (sender, receiver) = mpsc::unbounded_channel::<()>();
    let handler = move |event: notify::Result<Event>| {
        let Ok(event) = event else { return };
        let relevant = !matches!(event.kind, EventKind::Access(_))
            && event.paths.iter().any(|p| p.extension().is_some_and(|x| x == "wasm"));
        if relevant {
            let _ = sender.send(());
        }
    };
    let mut watcher: Box<dyn Watcher + Send> = match notify::recommended_watcher(handler.clone()) {
        Ok(watcher) => Box::new(watcher),
        Err(error) => {
            tracing::warn!(%error, "falling back to polling pb_hooks");
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
            Box::new(notify::PollWatcher::new(handler, config).ok()?)
        }
    };
    if let Err(error) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
        tracing::error!(dir = %dir.display(), %error, "cannot watch the hooks folder");
        return None;
    }
    tokio::spawn(debounce_and_reload(app.downgrade(), receiver, debounce));
    tracing::debug!(dir = %dir.display(), "watching for hook changes");
    Some(watcher)
}

async fn debounce_and_reload(
    app: crate::app::WeakApp,
    mut changes: mpsc::UnboundedReceiver<()>,
    quiet: Duration,
) {
    while changes.recv().await.is_some() {
        // Wait for a quiet period, but not forever while a file keeps changing.
        let started = tokio::time::Instant::now();
        while started.elapsed() < quiet * 4 {
            match tokio::time::timeout(quiet, changes.recv()).await {
                Ok(Some(())) => {}
                Ok(None) => return,
                Err(_) => break,
            }
        }
        let Some(app) = app.upgrade() else { return };
        if *app.hooks().stopped().borrow() {
            return;
        }
        super::reload(&app).await;
    }
}
