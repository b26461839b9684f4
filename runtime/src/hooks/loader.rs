//! Loading one `.wasm` file: hash, precompile cache or compile, link against both linkers (an
//! unknown import fails here, named), check the exports, call `pb_manifest` under a 1 s
//! deadline and check what it registers. Runs on a blocking thread, one module at a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmbase_abi::{self as abi, Manifest, event};
use wasmtime::{ExternType, Module, ValType};

use super::cache::Cache;
use super::call::{Entry, call_sync};
use super::cron::Schedule;
use super::engine::HookEngine;
use super::host::HostState;
use super::module::{Exports, LoadedModule, ModuleInfo};
use super::ops::OpContext;

/// Why a module was refused, and at which stage.
#[derive(Clone, Debug)]
pub struct LoadError {
    /// `read`, `compile`, `link`, `exports`, `manifest`.
    pub stage: &'static str,
    /// The reason.
    pub reason: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: {}", self.stage, self.reason)
    }
}

fn error(stage: &'static str, reason: impl std::fmt::Display) -> LoadError {
    LoadError { stage, reason: reason.to_string() }
}

/// SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Compiles (or takes from the cache), links and describes one module.
pub fn load(
    engine: &HookEngine,
    cache: &Cache,
    info: ModuleInfo,
    bytes: &[u8],
) -> Result<LoadedModule, LoadError> {
    if bytes.len() >= 8 && bytes[..4] == *b"\0asm" && bytes[4..8] != [1, 0, 0, 0] {
        return Err(error(
            "compile",
            "this is a WebAssembly component; hooks are core modules: build with --target wasm32-wasip1",
        ));
    }
    let cached = cache.load(&engine.engine, &info.sha256);
    let from_cache = cached.is_some();
    let module = match cached {
        Some(module) => module,
        None => {
            let started = Instant::now();
            let module =
                Module::new(&engine.engine, bytes).map_err(|e| error("compile", first_line(&e)))?;
            tracing::debug!(module = %info.name, ms = started.elapsed().as_millis() as u64, "hook module compiled");
            cache.store(&module, &info.sha256);
            module
        }
    };
    let pre_async =
        engine.linker_async.instantiate_pre(&module).map_err(|e| error("link", first_line(&e)))?;
    let pre_sync =
        engine.linker_sync.instantiate_pre(&module).map_err(|e| error("link", first_line(&e)))?;
    check_exports(&module)?;
    let exports = Exports::of(&module)
        .map_err(|name| error("exports", format!("missing export `{name}`")))?;
    let info = Arc::new(info);
    let mut loaded = LoadedModule {
        info: info.clone(),
        pre_async,
        pre_sync,
        manifest: Manifest::default(),
        exports,
        loaded_at: chrono::Utc::now().to_rfc3339(),
        from_cache,
        ticker: engine.ticker.clone(),
    };
    let deadline = Instant::now() + Duration::from_secs(1);
    let state = HostState::new(&info, OpContext::detached(info.clone()), deadline, false);
    let bytes =
        call_sync(&loaded, state, Entry::Manifest).map_err(|f| error("manifest", f.reason))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| error("manifest", format!("not a manifest: {e}")))?;
    check_manifest(&manifest)?;
    loaded.manifest = manifest;
    Ok(loaded)
}

fn first_line(error: &wasmtime::Error) -> String {
    format!("{error:#}").lines().next().unwrap_or_default().to_owned()
}

fn check_exports(module: &Module) -> Result<(), LoadError> {
    let expect = |name: &str, params: &[ValType], results: &[ValType]| -> Result<(), LoadError> {
        let Some(ExternType::Func(ty)) = module.get_export(name) else {
            return Err(error("exports", format!("missing export `{name}`")));
        };
        let same = |a: &mut dyn ExactSizeIterator<Item = ValType>, b: &[ValType]| {
            a.len() == b.len() && a.zip(b).all(|(x, y)| ValType::eq(&x, y))
        };
        if !same(&mut ty.params(), params) || !same(&mut ty.results(), results) {
            return Err(error("exports", format!("`{name}` has the wrong signature ({ty})")));
        }
        Ok(())
    };
    if !matches!(module.get_export(abi::EXPORT_MEMORY), Some(ExternType::Memory(_))) {
        return Err(error("exports", "missing export `memory`"));
    }
    expect(abi::EXPORT_ALLOC, &[ValType::I32], &[ValType::I32])?;
    expect(abi::EXPORT_MANIFEST, &[], &[ValType::I64])?;
    expect(abi::EXPORT_HANDLE, &[ValType::I32, ValType::I32], &[ValType::I64])?;
    Ok(())
}

fn check_manifest(manifest: &Manifest) -> Result<(), LoadError> {
    if manifest.abi != abi::ABI_VERSION {
        return Err(error(
            "manifest",
            format!(
                "abi {} is not supported (this server speaks {})",
                manifest.abi,
                abi::ABI_VERSION
            ),
        ));
    }
    for hook in &manifest.hooks {
        if !event::RECORD_EVENTS.contains(&hook.event.as_str()) {
            return Err(error("manifest", format!("unknown event `{}`", hook.event)));
        }
    }
    for route in &manifest.routes {
        if !route.path.starts_with('/') {
            return Err(error(
                "manifest",
                format!("route path `{}` must start with /", route.path),
            ));
        }
        let method = route.method.to_ascii_uppercase();
        if method != "*"
            && !["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
                .contains(&method.as_str())
        {
            return Err(error("manifest", format!("unknown route method `{}`", route.method)));
        }
        if let Some(auth) = &route.auth {
            if !["optional", "required", "superuser"].contains(&auth.as_str()) {
                return Err(error("manifest", format!("unknown route auth `{auth}`")));
            }
        }
    }
    for cron in &manifest.crons {
        Schedule::parse(&cron.schedule)
            .map_err(|e| error("manifest", format!("cron `{}`: {e}", cron.name)))?;
    }
    Ok(())
}
