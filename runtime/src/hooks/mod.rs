//! WebAssembly hooks (`pb_v1`): modules in `pb_hooks/*.wasm` that run around record writes,
//! answer custom routes and run cron jobs. One wasmtime engine per app with the pooling
//! allocator; a fresh instance per call; epoch deadlines and a memory cap on every call; an
//! immutable registry snapshot swapped on reload (hot reload with `--hooksWatch`); compiled
//! modules cached in `pb_data/.hooks_cache`. The ABI is `docs/hooks-abi.md`; the design and its
//! measurements are `../shared/design/hooks.md`.
//!
//! Files: `engine` (engine, linkers), `ticker` (epoch ticks), `host` + `wasi` (imports), `call` (one
//! call), `loader` + `cache` (one module), `registry` (the snapshot), `events` (record hooks),
//! `routes`, `cron` + `jobs` (cron jobs), `ops` + `fetch` (host operations), `watcher` (reload),
//! `config` (limits and per-module settings).

pub mod answer;
pub mod cache;
pub mod call;
pub mod config;
pub mod cron;
pub mod engine;
pub mod events;
pub mod fetch;
pub mod host;
pub mod jobs;
pub mod loader;
pub mod module;
pub mod ops;
pub mod payload;
pub mod registry;
pub mod routes;
pub mod ticker;
pub mod wasi;
pub mod watcher;

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use arc_swap::ArcSwap;
use parking_lot::Mutex;
use serde_json::{Value, json};

pub use config::{HooksOptions, Limits};
pub use events::{HookAnswer, HookScope, HookStop};
pub use registry::Registry;

use crate::app::App;
use call::CallFailure;
use config::ServerConfig;
use module::{LoadedModule, ModuleInfo};

/// Recent hook failures kept for `GET /api/hooks`.
const FAILURES_KEPT: usize = 50;

/// One failed hook call.
#[derive(Clone, Debug)]
pub struct FailureRecord {
    /// Module name.
    pub module: String,
    /// Event.
    pub event: String,
    /// Handler id.
    pub handler: u32,
    /// Reason.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

/// The engine, cache and limits, once hooks are started.
struct Runtime {
    engine: engine::HookEngine,
    cache: cache::Cache,
    pool_memory: usize,
}

/// The hooks of an app: the current registry and what reloads need.
pub struct Hooks {
    options: HooksOptions,
    dir: PathBuf,
    data_dir: PathBuf,
    registry: ArcSwap<Registry>,
    limits: ArcSwap<Limits>,
    runtime: OnceLock<Runtime>,
    reload: tokio::sync::Mutex<()>,
    failures: Mutex<VecDeque<FailureRecord>>,
    http: OnceLock<reqwest::Client>,
    /// Keeps the file watcher alive.
    watcher: Mutex<Option<Box<dyn notify::Watcher + Send>>>,
    stopped: tokio::sync::watch::Sender<bool>,
}

impl Hooks {
    /// Hooks for the app with these directories; nothing is loaded until `start`.
    pub fn new(options: HooksOptions, dir: PathBuf, data_dir: PathBuf) -> Self {
        let limits = options.limits.clone();
        Self {
            options,
            dir,
            data_dir,
            registry: ArcSwap::from_pointee(Registry::default()),
            limits: ArcSwap::from_pointee(limits),
            runtime: OnceLock::new(),
            reload: tokio::sync::Mutex::new(()),
            failures: Mutex::new(VecDeque::new()),
            http: OnceLock::new(),
            watcher: Mutex::new(None),
            stopped: tokio::sync::watch::channel(false).0,
        }
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Registry> {
        self.registry.load_full()
    }

    /// The global limits in force.
    pub fn limits(&self) -> Arc<Limits> {
        self.limits.load_full()
    }

    /// The `pb_hooks` folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn config_path(&self) -> PathBuf {
        self.options.config_file.clone().unwrap_or_else(|| self.data_dir.join("hooks.json"))
    }

    /// The shared outbound HTTP client of `http.fetch`.
    pub fn http_client(&self) -> &reqwest::Client {
        self.http.get_or_init(reqwest::Client::new)
    }

    /// Logs a failed call (module, event, handler, reason) and keeps it for `GET /api/hooks`.
    pub fn report(&self, module: &str, event: &str, handler: u32, failure: &CallFailure) {
        tracing::error!(module, event, handler, reason = %failure.reason, "hook failed");
        if !failure.backtrace.is_empty() {
            tracing::debug!(
                module,
                event,
                handler,
                "wasm backtrace:\n{}",
                failure.backtrace.trim_end()
            );
        }
        let mut failures = self.failures.lock();
        if failures.len() == FAILURES_KEPT {
            failures.pop_front();
        }
        failures.push_back(FailureRecord {
            module: module.to_owned(),
            event: event.to_owned(),
            handler,
            reason: failure.reason.clone(),
            at: chrono::Utc::now().to_rfc3339(),
        });
    }

    /// Loaded modules, load errors and recent failures, for `GET /api/hooks`.
    pub fn status(&self) -> Value {
        let registry = self.snapshot();
        let modules: Vec<Value> = registry
            .modules
            .iter()
            .map(|m| {
                json!({
                    "name": m.info.name,
                    "sha256": m.info.sha256,
                    "loadedAt": m.loaded_at,
                    "fromCache": m.from_cache,
                    "hooks": m.manifest.hooks,
                    "routes": m.manifest.routes,
                    "crons": m.manifest.crons,
                    "error": registry.errors.get(&m.info.name),
                })
            })
            .collect();
        let failures: Vec<Value> = self
            .failures
            .lock()
            .iter()
            .map(|f| json!({"module": f.module, "event": f.event, "handler": f.handler, "reason": f.reason, "at": f.at}))
            .collect();
        json!({"started": self.runtime.get().is_some(), "modules": modules, "errors": registry.errors, "failures": failures})
    }

    /// Stops the watcher and the cron scheduler.
    pub fn stop(&self) {
        self.watcher.lock().take();
        self.stopped.send_replace(true);
    }

    /// A receiver that turns `true` when the hooks stop.
    pub fn stopped(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stopped.subscribe()
    }
}

/// Starts the hooks of `app`: engine, first load of `pb_hooks`, watcher (`watch`), cron jobs.
pub async fn start(app: &App, watch: bool) -> Result<(), String> {
    let hooks = app.hooks();
    if hooks.runtime.get().is_none() {
        let config = ServerConfig::read(&hooks.config_path());
        let pool_memory = config.max_memory(&hooks.options.limits);
        let pool_size = hooks.options.pool_size;
        let cache_dir =
            hooks.options.cache_dir.clone().unwrap_or_else(|| hooks.data_dir.join(".hooks_cache"));
        let runtime = tokio::task::spawn_blocking(move || -> Result<Runtime, String> {
            let engine = engine::HookEngine::new(pool_size, pool_memory)?;
            let cache = cache::Cache::new(cache_dir, engine.compatibility_hash());
            Ok(Runtime { engine, cache, pool_memory })
        })
        .await
        .map_err(|e| e.to_string())??;
        let _ = hooks.runtime.set(runtime);
    }
    reload(app).await;
    if let Some(runtime) = hooks.runtime.get().filter(|_| hooks.options.cache_dir.is_none()) {
        let keep: HashSet<String> =
            hooks.snapshot().modules.iter().map(|m| m.info.sha256.clone()).collect();
        runtime.cache.prune(&keep);
    }
    if watch {
        let watcher = watcher::spawn(app, hooks.options.debounce);
        *hooks.watcher.lock() = watcher;
    }
    jobs::spawn(app);
    Ok(())
}

/// Rescans `pb_hooks` and swaps in a new registry (one reload at a time).
pub async fn reload(app: &App) {
    let hooks = app.hooks();
    let _guard = hooks.reload.lock().await;
    let config = ServerConfig::read(&hooks.config_path());
    hooks.limits.store(Arc::new(config.limits.apply(&hooks.options.limits)));
    let (app2, old) = (app.clone(), hooks.snapshot());
    let registry = tokio::task::spawn_blocking(move || {
        let hooks = app2.hooks();
        let runtime = hooks.runtime.get()?;
        Some(scan(runtime, &hooks.dir, &config, &hooks.options.limits, &old))
    })
    .await;
    if let Ok(Some(registry)) = registry {
        hooks.registry.store(Arc::new(registry));
    }
}

fn wasm_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm") && p.is_file())
        .filter_map(|p| Some((p.file_stem()?.to_string_lossy().into_owned(), p)))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    files
}

fn scan(
    runtime: &Runtime,
    dir: &Path,
    config: &ServerConfig,
    base: &Limits,
    old: &Registry,
) -> Registry {
    let previous: HashMap<&str, &Arc<LoadedModule>> =
        old.modules.iter().map(|m| (m.info.name.as_str(), m)).collect();
    let mut modules = Vec::new();
    let mut errors = HashMap::new();
    let files = wasm_files(dir);
    for (name, path) in &files {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::error!(file = %path.display(), stage = "read", reason = %error, "hook module rejected");
                errors.insert(name.clone(), format!("read failed: {error}"));
                modules.extend(previous.get(name.as_str()).map(|m| Arc::clone(m)));
                continue;
            }
        };
        let sha = loader::sha256(&bytes);
        let mut info = ModuleInfo::new(name, path.clone(), sha.clone(), config, base);
        info.limits.memory = info.limits.memory.min(runtime.pool_memory);
        if let Some(prev) = previous.get(name.as_str()).filter(|m| m.info.sha256 == sha) {
            modules.push(Arc::new(prev.with_info(info)));
            continue;
        }
        match loader::load(&runtime.engine, &runtime.cache, info, &bytes) {
            Ok(module) => {
                tracing::info!(
                    module = %name, sha256 = %&sha[..12], hooks = module.manifest.hooks.len(),
                    routes = module.manifest.routes.len(), crons = module.manifest.crons.len(),
                    "hook module loaded"
                );
                modules.push(Arc::new(module));
            }
            Err(error) => {
                let kept = previous.get(name.as_str());
                tracing::error!(
                    file = %path.display(), stage = error.stage, reason = %error.reason,
                    previous_version_kept = kept.is_some(), "hook module rejected"
                );
                errors.insert(name.clone(), error.to_string());
                modules.extend(kept.map(|m| Arc::clone(m)));
            }
        }
    }
    for name in previous.keys() {
        if !files.iter().any(|(n, _)| n == name) {
            tracing::info!(module = %name, "hook module removed");
        }
    }
    Registry::build(modules, errors)
}
