//! The WASI preview 1 subset a hook gets (module `wasi_snapshot_preview1`): no arguments, an
//! empty environment, clocks, randomness, stdout/stderr into the hook log, no files (no
//! preopens: every descriptor but 0-2 is `EBADF`), `proc_exit` as a trap. Enough for Rust's std
//! on `wasm32-wasip1`; a module importing anything else (say `path_open`) fails at load time.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rand::RngCore;
use wasmtime::{Caller, Linker};

use super::host::{HostState, read_bytes, write_bytes};

const MODULE: &str = "wasi_snapshot_preview1";
const SUCCESS: i32 = 0;
const EBADF: i32 = 8;
const EINVAL: i32 = 28;

/// Adds the subset to `linker`.
pub fn add(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "args_get", |_: i32, _: i32| SUCCESS)?;
    linker.func_wrap(MODULE, "args_sizes_get", write_two_zeros)?;
    linker.func_wrap(MODULE, "environ_get", |_: i32, _: i32| SUCCESS)?;
    linker.func_wrap(MODULE, "environ_sizes_get", write_two_zeros)?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        |mut caller: Caller<'_, HostState>, _: i32, out: i32| write_u64(&mut caller, out, 1_000),
    )?;
    linker.func_wrap(MODULE, "clock_time_get", clock_time_get)?;
    linker.func_wrap(MODULE, "random_get", random_get)?;
    linker.func_wrap(MODULE, "fd_write", fd_write)?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        |mut caller: Caller<'_, HostState>, fd: i32, _: i32, _: i32, read: i32| {
            if fd != 0 {
                return Ok(EBADF);
            }
            write_u32(&mut caller, read, 0)
        },
    )?;
    linker.func_wrap(MODULE, "fd_close", |_: i32| EBADF)?;
    linker.func_wrap(MODULE, "fd_seek", |_: i32, _: i64, _: i32, _: i32| EBADF)?;
    linker.func_wrap(MODULE, "fd_fdstat_get", |_: i32, _: i32| EBADF)?;
    linker.func_wrap(MODULE, "fd_prestat_get", |_: i32, _: i32| EBADF)?;
    linker.func_wrap(MODULE, "fd_prestat_dir_name", |_: i32, _: i32, _: i32| EBADF)?;
    linker.func_wrap(MODULE, "sched_yield", || SUCCESS)?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |mut caller: Caller<'_, HostState>, code: i32| -> wasmtime::Result<()> {
            let text = format!("proc_exit({code})");
            caller.data_mut().abort.get_or_insert(text.clone());
            wasmtime::bail!("{text}")
        },
    )?;
    Ok(())
}

fn write_u32(caller: &mut Caller<'_, HostState>, ptr: i32, value: u32) -> wasmtime::Result<i32> {
    write_bytes(caller, ptr, &value.to_le_bytes())?;
    Ok(SUCCESS)
}

fn write_u64(caller: &mut Caller<'_, HostState>, ptr: i32, value: u64) -> wasmtime::Result<i32> {
    write_bytes(caller, ptr, &value.to_le_bytes())?;
    Ok(SUCCESS)
}

fn write_two_zeros(mut caller: Caller<'_, HostState>, a: i32, b: i32) -> wasmtime::Result<i32> {
    write_u32(&mut caller, a, 0)?;
    write_u32(&mut caller, b, 0)
}

fn clock_time_get(
    mut caller: Caller<'_, HostState>,
    id: i32,
    _precision: i64,
    out: i32,
) -> wasmtime::Result<i32> {
    let nanos = match id {
        // Monotonic: nanoseconds since an arbitrary (per-process) start.
        1 => monotonic_start().elapsed().as_nanos() as u64,
        0 | 2 | 3 => {
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
        }
        _ => return Ok(EINVAL),
    };
    write_u64(&mut caller, out, nanos)
}

fn monotonic_start() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn random_get(mut caller: Caller<'_, HostState>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let mut bytes = vec![0u8; len.clamp(0, 1 << 20) as usize];
    rand::rng().fill_bytes(&mut bytes);
    write_bytes(&mut caller, ptr, &bytes)?;
    Ok(SUCCESS)
}

fn fd_write(
    mut caller: Caller<'_, HostState>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    written: i32,
) -> wasmtime::Result<i32> {
    if fd != 1 && fd != 2 {
        return Ok(EBADF);
    }
    let vectors = read_bytes(&mut caller, iovs, iovs_len.clamp(0, 1024) * 8)?;
    let mut text = Vec::new();
    for vector in vectors.chunks_exact(8) {
        let ptr = i32::from_le_bytes([vector[0], vector[1], vector[2], vector[3]]);
        let len = i32::from_le_bytes([vector[4], vector[5], vector[6], vector[7]]);
        text.extend(read_bytes(&mut caller, ptr, len)?);
    }
    caller.data_mut().write_output(if fd == 1 { "stdout" } else { "stderr" }, &text);
    write_u32(&mut caller, written, text.len() as u32)
}
