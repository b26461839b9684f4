//! A loaded hook module: who it is (file, hash, the limits and settings the server config gives
//! it), its two pre-linked instance templates and the manifest it described itself with.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Map, Value};
use wasmbase_abi::Manifest;
use wasmtime::{InstancePre, Module, ModuleExport};

use super::config::{Limits, ServerConfig};
use super::host::HostState;
use super::ticker::Ticker;

/// Identity, limits and server-given settings of a module.
#[derive(Debug)]
pub struct ModuleInfo {
    /// File name without `.wasm` (the name in logs and in `hooks.json`).
    pub name: String,
    /// The file.
    pub file: PathBuf,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Effective limits.
    pub limits: Limits,
    /// `config.get`'s answer.
    pub settings: Map<String, Value>,
    /// Hosts `http.fetch` may reach.
    pub allow_hosts: Vec<String>,
}

impl ModuleInfo {
    /// The info for module `name` under `config`.
    pub fn new(
        name: &str,
        file: PathBuf,
        sha256: String,
        config: &ServerConfig,
        base: &Limits,
    ) -> Self {
        let global = config.limits.apply(base);
        let entry = config.modules.get(name);
        Self {
            name: name.to_owned(),
            file,
            sha256,
            limits: entry.map_or_else(|| global.clone(), |m| m.limits.apply(&global)),
            settings: entry.map(|m| m.settings.clone()).unwrap_or_default(),
            allow_hosts: entry.map(|m| m.allow_hosts.clone()).unwrap_or_default(),
        }
    }

    /// A module with no config entry (tests, manifest calls).
    pub fn bare(name: &str) -> Self {
        Self::new(name, PathBuf::new(), String::new(), &ServerConfig::default(), &Limits::default())
    }
}

/// The ABI's exports, looked up by name once at load instead of at every call.
#[derive(Clone)]
pub struct Exports {
    /// `memory`.
    pub memory: ModuleExport,
    /// `pb_alloc`.
    pub alloc: ModuleExport,
    /// `pb_handle`.
    pub handle: ModuleExport,
    /// `pb_manifest`.
    pub manifest: ModuleExport,
    /// `_initialize`, for a WASI reactor.
    pub initialize: Option<ModuleExport>,
}

impl Exports {
    /// The exports of `module`; the name of the first one missing otherwise.
    pub fn of(module: &Module) -> Result<Self, &'static str> {
        let get = |name: &'static str| module.get_export_index(name).ok_or(name);
        Ok(Self {
            memory: get(wasmbase_abi::EXPORT_MEMORY)?,
            alloc: get(wasmbase_abi::EXPORT_ALLOC)?,
            handle: get(wasmbase_abi::EXPORT_HANDLE)?,
            manifest: get(wasmbase_abi::EXPORT_MANIFEST)?,
            initialize: module.get_export_index("_initialize"),
        })
    }
}

/// A module ready to be called.
pub struct LoadedModule {
    /// Identity and limits.
    pub info: Arc<ModuleInfo>,
    /// Template for calls on tokio (async `call`).
    pub pre_async: InstancePre<HostState>,
    /// Template for calls inside the write transaction (sync `call`).
    pub pre_sync: InstancePre<HostState>,
    /// What it registered.
    pub manifest: Manifest,
    /// Its ABI exports (and `_initialize`, called after instantiation if there is one).
    pub exports: Exports,
    /// Load time (RFC 3339).
    pub loaded_at: String,
    /// Whether the compiled code came from the precompile cache.
    pub from_cache: bool,
    /// The engine's epoch ticker, kept running by every call.
    pub ticker: Arc<Ticker>,
}

impl LoadedModule {
    /// The same module under new settings (the server config changed, the file did not).
    pub fn with_info(&self, info: ModuleInfo) -> Self {
        Self {
            info: Arc::new(info),
            pre_async: self.pre_async.clone(),
            pre_sync: self.pre_sync.clone(),
            manifest: self.manifest.clone(),
            exports: self.exports.clone(),
            loaded_at: self.loaded_at.clone(),
            from_cache: self.from_cache,
            ticker: self.ticker.clone(),
        }
    }
}
