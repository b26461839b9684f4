//! The one wasmtime `Engine` of an app: Cranelift, the pooling allocator sized for the
//! configured number of concurrent instances (with 2 MiB of each memory kept resident, so a
//! fresh instance per call costs a few µs), epoch interruption driven by a 1 ms ticker thread
//! that only runs while calls do (parked after 100 ms without one, so an idle server does not
//! wake 1000 times a second), and the two linkers every module is checked against (see `host.rs`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;
use std::time::Duration;

use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Linker, OptLevel, PoolingAllocationConfig,
};

use super::host::{self, HostState};

/// Epoch ticks per second: deadlines are checked (and async calls yield) once per tick.
pub const TICK: Duration = Duration::from_millis(1);
/// Ticks without a running call before the ticker parks: a steady stream of short calls
/// keeps it ticking instead of waking it (a futex wake and a context switch) for each one.
const IDLE_TICKS: u32 = 100;
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
    /// The epoch ticker; every call holds a [`Running`] from it.
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

/// Advances the engine's epoch every [`TICK`] while at least one call runs.
#[derive(Debug, Default)]
pub struct Ticker {
    running: AtomicUsize,
    stopped: AtomicBool,
    thread: OnceLock<Thread>,
}

/// Keeps the ticker going while held (one per call).
pub struct Running(Arc<Ticker>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Ticker {
    /// Starts the (parked) ticker thread of `engine`.
    fn start(engine: &Engine) -> Arc<Self> {
        let ticker = Arc::new(Self::default());
        let (weak, shared) = (engine.weak(), ticker.clone());
        let spawned = std::thread::Builder::new().name("hooks-epoch".to_owned()).spawn(move || {
            // Published before `running` is first read: a call that starts before this line
            // is seen below, one that starts after it finds the thread to wake.
            let _ = shared.thread.set(std::thread::current());
            std::sync::atomic::fence(Ordering::SeqCst);
            let mut idle = 0;
            while !shared.stopped.load(Ordering::SeqCst) {
                if shared.running.load(Ordering::SeqCst) == 0 {
                    idle += 1;
                    if idle > IDLE_TICKS {
                        idle = 0;
                        std::thread::park();
                        continue;
                    }
                } else {
                    idle = 0;
                    let Some(engine) = weak.upgrade() else { break };
                    engine.increment_epoch();
                    drop(engine);
                }
                // A dedicated thread, never a tokio worker.
                #[allow(clippy::disallowed_methods)]
                std::thread::sleep(TICK);
            }
        });
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the hooks epoch ticker: hook deadlines will not fire");
        }
        ticker
    }

    /// Marks a call as running until the guard is dropped.
    pub fn enter(self: &Arc<Self>) -> Running {
        if self.running.fetch_add(1, Ordering::SeqCst) == 0 {
            std::sync::atomic::fence(Ordering::SeqCst);
            if let Some(thread) = self.thread.get() {
                thread.unpark();
            }
        }
        Running(self.clone())
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.get() {
            thread.unpark();
        }
    }
}
