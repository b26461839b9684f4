//! The Rust SDK for wasmbase hooks (`wasm32-wasip1`). Today it provides the memory plumbing
//! every module needs (`alloc`, returning byte slices to the host); registration, typed events
//! and host calls arrive with the hooks runtime (see `docs/hooks-abi.md`).
#![warn(missing_docs)]

pub use wasmbase_abi as abi;

/// Allocates `len` bytes the host can write into and leaks them to the host.
pub fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// Hands `bytes` to the host: leaks them and returns the packed `ptr << 32 | len`.
pub fn into_host(bytes: Vec<u8>) -> u64 {
    let bytes = bytes.into_boxed_slice();
    let len = bytes.len() as u32;
    let ptr = Box::into_raw(bytes) as *mut u8 as usize as u32;
    abi::pack(ptr, len)
}
