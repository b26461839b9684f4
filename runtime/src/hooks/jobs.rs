//! The cron scheduler: once a second (on the second), every cron job of the current snapshot
//! whose schedule matches runs in its own task, under the cron deadline. A failure is logged
//! like any hook failure; the next run happens on schedule.

use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};
use wasmbase_abi::{Event, event};

use super::call::{Entry, call_async};
use super::events::HookScope;
use super::host::HostState;
use super::ops::OpContext;
use super::registry::CronEntry;
use crate::app::App;

/// Starts the scheduler; it ends when the app stops or is dropped.
pub fn spawn(app: &App) {
    let weak = app.downgrade();
    let mut stopped = app.hooks().stopped();
    tokio::spawn(async move {
        loop {
            let now = Utc::now();
            let next = now.trunc_subsecs(0) + chrono::Duration::seconds(1);
            let wait = (next - now).to_std().unwrap_or(Duration::from_millis(1));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stopped.changed() => return,
            }
            let Some(app) = weak.upgrade() else { return };
            if *app.hooks().stopped().borrow() {
                return;
            }
            let registry = app.hooks().snapshot();
            for cron in registry.crons.iter().filter(|c| c.schedule.matches(next)) {
                tokio::spawn(run(app.clone(), cron.clone(), next));
            }
        }
    });
}

async fn run(app: App, cron: CronEntry, at: DateTime<Utc>) {
    let payload = Event {
        v: 1,
        event: event::CRON.to_owned(),
        handler: cron.handler,
        name: cron.name.clone(),
        ..Event::default()
    };
    let payload = serde_json::to_vec(&payload).unwrap_or_default();
    let info = cron.module.info.clone();
    let ops = OpContext { module: info.clone(), scope: Some(HookScope::of(&app)), in_tx: false };
    let state = HostState::new(&info, ops, Instant::now() + info.limits.cron, true);
    tracing::debug!(module = %info.name, job = %cron.name, at = %at, "cron job started");
    if let Err(failure) = call_async(&cron.module, state, Entry::Handle(&payload)).await {
        app.hooks().report(&info.name, event::CRON, cron.handler, &failure);
    }
}
