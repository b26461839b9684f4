//! The host side of `pb_v1`: what a module's instance carries (`HostState`), the memory cap
//! (`MemoryLimiter`), and the functions a module may import — `pb_v1.log`, `pb_v1.call`,
//! `pb_v1.result_read`, AssemblyScript's `env.abort`/`env.trace`/`env.seed`/`env.Date.now`/
//! `env.console.log`, and the WASI p1 subset of `wasi.rs`. Anything else fails at load time,
//! naming the import. See `docs/hooks-abi.md` (Imports).

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmbase_abi as abi;
use wasmtime::{Caller, Engine, Extern, Linker, ResourceLimiter};

use super::module::ModuleInfo;
use super::ops::{self, OpContext};
use super::wasi;

/// Most guest stdout/stderr text kept for the failure log line.
const STDERR_TAIL: usize = 2048;

/// What one instance (one call) carries.
pub struct HostState {
    /// The memory cap.
    pub limiter: MemoryLimiter,
    /// When the call must stop.
    pub deadline: Instant,
    /// The time the call was given.
    pub budget: std::time::Duration,
    /// Async calls give the tokio worker back every tick.
    pub yield_each_tick: bool,
    /// The module and what its host calls may touch.
    pub ops: OpContext,
    /// The result (`Ok`) or error (`Err`) of the last `pb_v1.call`, until `result_read`.
    pub pending: Option<Result<Vec<u8>, Vec<u8>>>,
    /// A message the guest gave before it stopped (panic, abort, `proc_exit`).
    pub abort: Option<String>,
    /// The end of what the guest wrote to stdout/stderr.
    pub output: Vec<u8>,
}

impl HostState {
    /// State for one call of `module`.
    pub fn new(module: &Arc<ModuleInfo>, ops: OpContext, deadline: Instant, yields: bool) -> Self {
        Self {
            limiter: MemoryLimiter::new(module.limits.memory),
            deadline,
            budget: deadline.saturating_duration_since(Instant::now()),
            yield_each_tick: yields,
            ops,
            pending: None,
            abort: None,
            output: Vec::new(),
        }
    }

    /// Keeps the tail of the guest's output for error reports, and logs it line by line.
    pub fn write_output(&mut self, stream: &str, bytes: &[u8]) {
        for line in String::from_utf8_lossy(bytes).lines().filter(|l| !l.trim().is_empty()) {
            tracing::info!(module = %self.ops.module.name, stream, "{line}");
        }
        self.output.extend_from_slice(bytes);
        if self.output.len() > STDERR_TAIL {
            self.output.drain(..self.output.len() - STDERR_TAIL);
        }
    }
}

/// `StoreLimits` with a record of a refused growth, so a failure can say "memory limit".
pub struct MemoryLimiter {
    cap: usize,
    /// Set when the guest asked for more than the cap.
    pub refused: bool,
}

impl MemoryLimiter {
    fn new(cap: usize) -> Self {
        Self { cap, refused: false }
    }

    /// The cap in bytes.
    pub fn cap(&self) -> usize {
        self.cap
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.refused = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }
}

/// The guest's exported memory.
pub fn memory<'a>(caller: &mut Caller<'a, HostState>) -> wasmtime::Result<wasmtime::Memory> {
    match caller.get_export(abi::EXPORT_MEMORY) {
        Some(Extern::Memory(memory)) => Ok(memory),
        _ => wasmtime::bail!("the module exports no `memory`"),
    }
}

/// Copies `len` bytes at `ptr` out of the guest.
pub fn read_bytes(
    caller: &mut Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<Vec<u8>> {
    let memory = memory(caller)?;
    let (start, len) = (ptr as u32 as usize, len as u32 as usize);
    memory
        .data(&*caller)
        .get(start..start.saturating_add(len))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| wasmtime::format_err!("guest pointer out of bounds"))
}

/// Writes `bytes` into the guest at `ptr`.
pub fn write_bytes(
    caller: &mut Caller<'_, HostState>,
    ptr: i32,
    bytes: &[u8],
) -> wasmtime::Result<()> {
    let memory = memory(caller)?;
    memory
        .write(&mut *caller, ptr as u32 as usize, bytes)
        .map_err(|_| wasmtime::format_err!("guest pointer out of bounds"))
}

/// An AssemblyScript string (UTF-16LE, byte length at `ptr - 4`).
fn read_as_string(caller: &mut Caller<'_, HostState>, ptr: i32) -> String {
    if ptr < 4 {
        return String::new();
    }
    let Ok(len) = read_bytes(caller, ptr - 4, 4) else { return String::new() };
    let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]).min(1 << 16);
    let Ok(bytes) = read_bytes(caller, ptr, len as i32) else { return String::new() };
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// Grace after a call's deadline for a host operation it awaits (a DB query, a fetch).
const AWAIT_GRACE: Duration = Duration::from_millis(100);

/// The linker with every host function; `call` is async (tokio) or sync (writer thread).
pub fn linker(engine: &Engine, async_call: bool) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(abi::IMPORT_MODULE, abi::IMPORT_LOG, log)?;
    linker.func_wrap(abi::IMPORT_MODULE, abi::IMPORT_RESULT_READ, result_read)?;
    if async_call {
        linker.func_wrap_async(
            abi::IMPORT_MODULE,
            abi::IMPORT_CALL,
            |mut caller: Caller<'_, HostState>,
             (op_ptr, op_len, req_ptr, req_len): (i32, i32, i32, i32)| {
                Box::new(async move {
                    let op = read_bytes(&mut caller, op_ptr, op_len)?;
                    let request = read_bytes(&mut caller, req_ptr, req_len)?;
                    let context = caller.data().ops.clone();
                    let (deadline, budget) = (caller.data().deadline, caller.data().budget);
                    let name = String::from_utf8_lossy(&op);
                    let operation = ops::run_async(&context, &name, &request);
                    let Ok(outcome) =
                        tokio::time::timeout_at((deadline + AWAIT_GRACE).into(), operation).await
                    else {
                        return Err(wasmtime::format_err!(
                            "deadline of {} ms exceeded (waiting on the host)",
                            (budget + AWAIT_GRACE).as_micros().div_ceil(1000)
                        ));
                    };
                    Ok(finish_call(&mut caller, outcome))
                })
            },
        )?;
    } else {
        linker.func_wrap(
            abi::IMPORT_MODULE,
            abi::IMPORT_CALL,
            |mut caller: Caller<'_, HostState>,
             op_ptr: i32,
             op_len: i32,
             req_ptr: i32,
             req_len: i32| {
                let op = read_bytes(&mut caller, op_ptr, op_len)?;
                let request = read_bytes(&mut caller, req_ptr, req_len)?;
                let context = caller.data().ops.clone();
                let outcome = ops::run_in_tx(&context, &String::from_utf8_lossy(&op), &request);
                Ok(finish_call(&mut caller, outcome))
            },
        )?;
    }
    linker.func_wrap("env", "abort", abort)?;
    linker.func_wrap("env", "trace", trace)?;
    linker.func_wrap("env", "seed", || -> f64 { rand::random::<f64>() * 1e15 })?;
    linker
        .func_wrap("env", "Date.now", || -> f64 { chrono::Utc::now().timestamp_millis() as f64 })?;
    linker.func_wrap("env", "console.log", |mut caller: Caller<'_, HostState>, ptr: i32| {
        let text = read_as_string(&mut caller, ptr);
        tracing::info!(module = %caller.data().ops.module.name, "{text}");
    })?;
    wasi::add(&mut linker)?;
    Ok(linker)
}

/// Keeps the outcome of a host call for `result_read`; returns its (negated, for errors) length.
fn finish_call(caller: &mut Caller<'_, HostState>, outcome: Result<Vec<u8>, Vec<u8>>) -> i64 {
    let length = match &outcome {
        Ok(bytes) => bytes.len() as i64,
        Err(bytes) => -(bytes.len() as i64),
    };
    // A zero-length error would read as success: errors always have a JSON body.
    caller.data_mut().pending = Some(outcome);
    length
}

fn log(mut caller: Caller<'_, HostState>, level: i32, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let text = String::from_utf8_lossy(&read_bytes(&mut caller, ptr, len)?).into_owned();
    let module = caller.data().ops.module.name.clone();
    match level {
        abi::level::DEBUG => tracing::debug!(%module, "{text}"),
        abi::level::INFO => tracing::info!(%module, "{text}"),
        abi::level::WARN => tracing::warn!(%module, "{text}"),
        abi::level::ERROR => tracing::error!(%module, "{text}"),
        _ => caller.data_mut().abort = Some(text),
    }
    Ok(())
}

fn result_read(mut caller: Caller<'_, HostState>, dst: i32) -> wasmtime::Result<()> {
    let Some(pending) = caller.data_mut().pending.take() else {
        wasmtime::bail!("result_read without a pending result");
    };
    let bytes = match pending {
        Ok(bytes) | Err(bytes) => bytes,
    };
    write_bytes(&mut caller, dst, &bytes)
}

fn abort(
    mut caller: Caller<'_, HostState>,
    message: i32,
    file: i32,
    line: i32,
    column: i32,
) -> wasmtime::Result<()> {
    let message = read_as_string(&mut caller, message);
    let file = read_as_string(&mut caller, file);
    let text = format!("{message} ({file}:{line}:{column})");
    caller.data_mut().abort = Some(text.clone());
    wasmtime::bail!("abort: {text}")
}

#[allow(clippy::too_many_arguments)]
fn trace(
    mut caller: Caller<'_, HostState>,
    message: i32,
    count: i32,
    a0: f64,
    a1: f64,
    a2: f64,
    a3: f64,
    a4: f64,
) {
    let mut text = read_as_string(&mut caller, message);
    for value in [a0, a1, a2, a3, a4].iter().take(count.clamp(0, 5) as usize) {
        text.push_str(&format!(" {value}"));
    }
    tracing::info!(module = %caller.data().ops.module.name, "trace: {text}");
}
