//! The `wasmbase` binary: everything lives in the library; this only hands over the process
//! arguments and turns the outcome into an exit code.

/// mimalloc instead of the C library's allocator: requests allocate and free many small
/// buffers across worker threads, and glibc's malloc was a tenth of the server's CPU under load
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    wasmbase::cli::main()
}
