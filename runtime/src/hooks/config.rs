//! What the server operator decides about hooks, never the modules themselves: limits (memory,
//! deadlines per kind of call, nesting depth), the pool size, and per-module settings, secrets
//! and outbound host allowlists, read from `pb_data/hooks.json` at start and on every reload.
//! Defaults and the file format are documented in `docs/hooks-abi.md` (Limits, Server config).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

/// Hook options of an app (part of `AppConfig`).
#[derive(Clone, Debug)]
pub struct HooksOptions {
    /// Concurrent hook instances (the pooling allocator's slots).
    pub pool_size: u32,
    /// Quiet time after a change in `pb_hooks` before the modules are reloaded.
    pub debounce: Duration,
    /// Default limits (the server config may change them).
    pub limits: Limits,
    /// The server config with per-module settings; `None` = `pb_data/hooks.json`.
    pub config_file: Option<PathBuf>,
    /// Where compiled modules are cached; `None` = `pb_data/.hooks_cache` (pruned at start; a
    /// folder given here is shared and never pruned).
    pub cache_dir: Option<PathBuf>,
}

impl Default for HooksOptions {
    fn default() -> Self {
        Self {
            pool_size: 1000,
            debounce: Duration::from_millis(100),
            limits: Limits::default(),
            config_file: None,
            cache_dir: None,
        }
    }
}

/// Per-call limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Linear memory cap per instance, in bytes.
    pub memory: usize,
    /// Deadline of hooks running inside the write transaction.
    pub transaction: Duration,
    /// Deadline of request-level and after-success record hooks.
    pub request: Duration,
    /// Deadline of custom routes.
    pub route: Duration,
    /// Deadline of cron jobs.
    pub cron: Duration,
    /// How deep hook-made writes (`records.save`/`records.delete`) may nest.
    pub max_depth: u32,
    /// Largest custom-route request body handed to a hook.
    pub route_body: usize,
    /// Timeout of one `http.fetch`.
    pub fetch_timeout: Duration,
    /// Largest `http.fetch` response body.
    pub fetch_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory: 64 << 20,
            transaction: Duration::from_secs(1),
            request: Duration::from_secs(5),
            route: Duration::from_secs(30),
            cron: Duration::from_secs(300),
            max_depth: 4,
            route_body: 10 << 20,
            fetch_timeout: Duration::from_secs(10),
            fetch_body: 5 << 20,
        }
    }
}

/// `pb_data/hooks.json`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerConfig {
    /// Changes to the default limits for every module.
    #[serde(default)]
    pub limits: LimitOverrides,
    /// Per module (file name without `.wasm`).
    #[serde(default)]
    pub modules: HashMap<String, ModuleConfig>,
}

/// Limits a config may change.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitOverrides {
    /// Memory cap in MiB.
    #[serde(rename = "memoryMiB")]
    pub memory_mib: Option<u64>,
    /// Deadlines in milliseconds.
    #[serde(default)]
    pub timeout_ms: TimeoutOverrides,
    /// Nesting depth of hook-made writes.
    pub max_depth: Option<u32>,
}

/// Deadlines a config may change, in milliseconds.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeoutOverrides {
    /// Inside the write transaction.
    pub transaction: Option<u64>,
    /// Request-level and after-success hooks.
    pub request: Option<u64>,
    /// Custom routes.
    pub route: Option<u64>,
    /// Cron jobs.
    pub cron: Option<u64>,
}

/// One module's entry.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleConfig {
    /// What `config.get` answers (settings and secrets).
    #[serde(default)]
    pub settings: Map<String, Value>,
    /// Hosts `http.fetch` may reach (`host` or `host:port`; `*` for any).
    #[serde(default)]
    pub allow_hosts: Vec<String>,
    /// Limits for this module only.
    #[serde(flatten)]
    pub limits: LimitOverrides,
}

impl LimitOverrides {
    /// `base` with these changes.
    pub fn apply(&self, base: &Limits) -> Limits {
        let ms =
            |value: Option<u64>, default: Duration| value.map_or(default, Duration::from_millis);
        Limits {
            memory: self
                .memory_mib
                .map_or(base.memory, |m| usize::try_from(m << 20).unwrap_or(usize::MAX)),
            transaction: ms(self.timeout_ms.transaction, base.transaction),
            request: ms(self.timeout_ms.request, base.request),
            route: ms(self.timeout_ms.route, base.route),
            cron: ms(self.timeout_ms.cron, base.cron),
            max_depth: self.max_depth.unwrap_or(base.max_depth),
            ..base.clone()
        }
    }
}

impl ServerConfig {
    /// Reads the config; a missing file is an empty config, a broken one is logged and ignored.
    pub fn read(path: &Path) -> Self {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::error!(path = %path.display(), %error, "ignoring the unreadable hooks config");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// The largest memory cap any module may get (sizes the pooling allocator).
    pub fn max_memory(&self, base: &Limits) -> usize {
        let global = self.limits.apply(base);
        self.modules
            .values()
            .map(|m| m.limits.apply(&global).memory)
            .fold(global.memory, usize::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_limits_override_global_ones() {
        let config: ServerConfig = serde_json::from_str(
            r#"{"limits":{"timeoutMs":{"route":100}},"modules":{"a":{"memoryMiB":8,"allowHosts":["x.test"],"settings":{"k":"v"}}}}"#,
        )
        .unwrap();
        let global = config.limits.apply(&Limits::default());
        assert_eq!(global.route, Duration::from_millis(100));
        let module = config.modules["a"].limits.apply(&global);
        assert_eq!(module.memory, 8 << 20);
        assert_eq!(module.route, Duration::from_millis(100));
        assert_eq!(config.modules["a"].allow_hosts, ["x.test"]);
        assert_eq!(config.max_memory(&Limits::default()), 64 << 20);
    }
}
