//! The one wasmtime `Engine` of an app: Cranelift, the pooling allocator sized for the
//! configured number of concurrent instances (with 2 MiB of each memory kept resident, so a
//! fresh instance per call costs a few µs), epoch interruption driven by the ticker thread of
//! `ticker.rs`, and the two linkers every module is checked against (see `host.rs`).

use std::sync::Arc;

use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Linker, OptLevel, PoolingAllocationConfig,
};

use super::host::{self, HostState};
use super::ticker::Ticker;

/// Wasm stack per call.
const MAX_WASM_STACK: usize = 512 << 10;
/// Fiber stack of an async call: the wasm stack plus room for host functions.
const ASYNC_STACK: usize = 2 << 20;
/// Memory kept mapped in a pool slot between instances.
const KEEP_RESIDENT: usize = 2 << 20;

/// The engine and the linkers.
pub struct HookEngine {
    /// The engine.
    pub engine: Engine,
    /// Host functions for calls on tokio (`call` is async: DB, HTTP and writes are awaited).
    pub linker_async: Linker<HostState>,
    /// Host functions for calls on the writer thread, inside the write transaction.
    pub linker_sync: Linker<HostState>,
    /// The epoch ticker; every call holds a [`Running`](super::ticker::Running) from it.
    pub ticker: Arc<Ticker>,
}

impl HookEngine {
    /// Builds the engine for `instances` concurrent instances of at most `max_memory` bytes.
    pub fn new(instances: u32, max_memory: usize) -> Result<Self, String> {
        let mut pool = PoolingAllocationConfig::new();
        let instances = instances.max(4);
        pool.total_core_instances(instances)
            .total_memories(instances)
            .total_tables(instances)
            .total_stacks(instances)
            .max_memory_size(max_memory)
            .max_memories_per_module(1)
            .max_tables_per_module(1)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .async_stack_keep_resident(128 << 10)
            .table_keep_resident(64 << 10);
        let mut config = Config::new();
        config
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
            .epoch_interruption(true)
            .max_wasm_stack(MAX_WASM_STACK)
            .async_stack_size(ASYNC_STACK)
            .cranelift_opt_level(OptLevel::Speed);
        let engine =
            Engine::new(&config).map_err(|e| format!("cannot start the wasm engine: {e}"))?;
        let linker_async = host::linker(&engine, true).map_err(|e| e.to_string())?;
        let linker_sync = host::linker(&engine, false).map_err(|e| e.to_string())?;
        let ticker = Ticker::start(&engine);
        Ok(Self { engine, linker_async, linker_sync, ticker })
    }

    /// A hash of everything that makes compiled code incompatible (cache key part).
    pub fn compatibility_hash(&self) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }
}

impl Drop for HookEngine {
    fn drop(&mut self) {
        self.ticker.stop();
    }
}
