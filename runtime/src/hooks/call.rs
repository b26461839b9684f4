//! One call into a module: a fresh `Store` and instance from the module's `InstancePre` (no
//! state survives between calls), the memory cap and the epoch deadline set on the store, the
//! payload written through `pb_alloc`, `pb_handle` (or `pb_manifest`) called, and the answer
//! copied out. Async calls (tokio) yield at every epoch tick (10 ms), and their host awaits sit
//! under a tokio timeout; sync calls run on the writer thread. A trap, timeout or memory-cap
//! hit becomes a `CallFailure` with a one-line reason; the instance is dropped.

use std::time::Instant;

use wasmbase_abi as abi;
use wasmtime::{
    Extern, Instance, Memory, ModuleExport, Store, Trap, TypedFunc, UpdateDeadline, WasmParams,
    WasmResults,
};

use super::host::HostState;
use super::module::{Exports, LoadedModule};

/// Why a call failed, in one line (the log line adds module, event and handler).
#[derive(Clone, Debug)]
pub struct CallFailure {
    /// The reason.
    pub reason: String,
    /// The wasm backtrace, when there is one.
    pub backtrace: String,
}

/// What to call.
#[derive(Clone, Copy)]
pub enum Entry<'a> {
    /// `pb_manifest()`.
    Manifest,
    /// `pb_handle(payload)`.
    Handle(&'a [u8]),
}

fn new_store(module: &LoadedModule, state: HostState) -> Store<HostState> {
    let mut store = Store::new(module.pre_async.module().engine(), state);
    store.limiter(|state| &mut state.limiter);
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|context| {
        let state = context.data();
        Ok(if Instant::now() >= state.deadline {
            UpdateDeadline::Interrupt
        } else if state.yield_each_tick {
            UpdateDeadline::Yield(1)
        } else {
            UpdateDeadline::Continue(1)
        })
    });
    store
}

/// Calls `entry` on the writer thread (or a blocking thread): no fibers, so host calls may
/// call further modules synchronously.
pub fn call_sync(
    module: &LoadedModule,
    state: HostState,
    entry: Entry<'_>,
) -> Result<Vec<u8>, CallFailure> {
    let _running = module.ticker.enter(state.deadline);
    let mut store = new_store(module, state);
    let exports = &module.exports;
    let result = (|| -> wasmtime::Result<Vec<u8>> {
        let instance = module.pre_sync.instantiate(&mut store)?;
        if let Some(initialize) = &exports.initialize {
            func::<(), ()>(&mut store, &instance, initialize)?.call(&mut store, ())?;
        }
        let memory = memory(&mut store, &instance, exports)?;
        let packed = match entry {
            Entry::Manifest => {
                func::<(), i64>(&mut store, &instance, &exports.manifest)?.call(&mut store, ())?
            }
            Entry::Handle(payload) => {
                let len = i32::try_from(payload.len())?;
                let ptr = func::<i32, i32>(&mut store, &instance, &exports.alloc)?
                    .call(&mut store, len)?;
                write_payload(&mut store, memory, ptr, payload)?;
                func::<(i32, i32), i64>(&mut store, &instance, &exports.handle)?
                    .call(&mut store, (ptr, len))?
            }
        };
        read_answer(&store, memory, packed)
    })();
    result.map_err(|error| failure(&store, &error))
}

/// Calls `entry` on tokio: yields at every epoch tick. No timer is armed per call (arming one
/// can wake a parked tokio worker for every request): the host's `call` puts its own timeout on
/// the operations it awaits (`host.rs`).
pub async fn call_async(
    module: &LoadedModule,
    state: HostState,
    entry: Entry<'_>,
) -> Result<Vec<u8>, CallFailure> {
    let _running = module.ticker.enter(state.deadline);
    let mut store = new_store(module, state);
    let exports = &module.exports;
    let result = async {
        let instance = module.pre_async.instantiate_async(&mut store).await?;
        if let Some(initialize) = &exports.initialize {
            func::<(), ()>(&mut store, &instance, initialize)?.call_async(&mut store, ()).await?;
        }
        let memory = memory(&mut store, &instance, exports)?;
        let packed = match entry {
            Entry::Manifest => {
                func::<(), i64>(&mut store, &instance, &exports.manifest)?
                    .call_async(&mut store, ())
                    .await?
            }
            Entry::Handle(payload) => {
                let len = i32::try_from(payload.len())?;
                let ptr = func::<i32, i32>(&mut store, &instance, &exports.alloc)?
                    .call_async(&mut store, len)
                    .await?;
                write_payload(&mut store, memory, ptr, payload)?;
                func::<(i32, i32), i64>(&mut store, &instance, &exports.handle)?
                    .call_async(&mut store, (ptr, len))
                    .await?
            }
        };
        read_answer(&store, memory, packed)
    }
    .await;
    result.map_err(|error| failure(&store, &error))
}

/// An exported function (its signature was checked at load; `typed` checks it again).
fn func<P: WasmParams, R: WasmResults>(
    store: &mut Store<HostState>,
    instance: &Instance,
    export: &ModuleExport,
) -> wasmtime::Result<TypedFunc<P, R>> {
    instance
        .get_module_export(&mut *store, export)
        .and_then(Extern::into_func)
        .ok_or_else(|| wasmtime::format_err!("an ABI export is not a function"))?
        .typed(&*store)
}

fn memory(
    store: &mut Store<HostState>,
    instance: &Instance,
    exports: &Exports,
) -> wasmtime::Result<Memory> {
    instance
        .get_module_export(&mut *store, &exports.memory)
        .and_then(Extern::into_memory)
        .ok_or_else(|| wasmtime::format_err!("the module exports no `memory`"))
}

fn write_payload(
    store: &mut Store<HostState>,
    memory: Memory,
    ptr: i32,
    payload: &[u8],
) -> wasmtime::Result<()> {
    memory
        .write(&mut *store, ptr as u32 as usize, payload)
        .map_err(|_| wasmtime::format_err!("pb_alloc returned a pointer outside memory"))
}

fn read_answer(store: &Store<HostState>, memory: Memory, packed: i64) -> wasmtime::Result<Vec<u8>> {
    let (ptr, len) = abi::unpack(packed as u64);
    let (start, end) = (ptr as usize, ptr as usize + len as usize);
    memory.data(store).get(start..end).map(<[u8]>::to_vec).ok_or_else(|| {
        wasmtime::format_err!("the answer ({len} bytes at {ptr}) lies outside memory")
    })
}

/// The one-line reason of a failed call.
fn failure(store: &Store<HostState>, error: &wasmtime::Error) -> CallFailure {
    let state = store.data();
    let trap = error.downcast_ref::<Trap>().copied();
    let mut reason = if trap == Some(Trap::Interrupt) {
        format!("deadline of {} ms exceeded", state.budget.as_micros().div_ceil(1000))
    } else if state.limiter.refused {
        format!("memory limit of {} MiB reached", state.limiter.cap() >> 20)
    } else if let Some(message) = &state.abort {
        format!("aborted: {message}")
    } else {
        match trap {
            Some(trap) => format!("trap: {trap}"),
            None => root_message(error),
        }
    };
    if state.abort.is_none() && !state.limiter.refused && trap.is_some() && !state.output.is_empty()
    {
        let output = String::from_utf8_lossy(&state.output);
        if let Some(last) = output.lines().rev().find(|l| !l.trim().is_empty()) {
            reason.push_str(&format!(" (guest output: {})", last.trim()));
        }
    }
    let backtrace = error
        .downcast_ref::<wasmtime::WasmBacktrace>()
        .map(|bt| bt.to_string())
        .unwrap_or_default();
    CallFailure { reason, backtrace }
}

/// The first line of the innermost error (a host function's error comes wrapped in the wasm
/// backtrace).
fn root_message(error: &wasmtime::Error) -> String {
    let text = error.root_cause().to_string();
    text.lines().next().unwrap_or_default().to_owned()
}
