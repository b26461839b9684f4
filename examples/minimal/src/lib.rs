//! The smallest hook module: the three `pb_v1` exports, an empty manifest, and a handler that
//! lets every event continue. It exists to prove the guest toolchain (`wasm32-wasip1`) works
//! end to end; real examples arrive with the hooks runtime.
#![allow(unsafe_code)] // SAFETY: `no_mangle` exports are the ABI; they touch no raw memory here.

const MANIFEST: &str = r#"{"v":1,"hooks":[],"routes":[],"crons":[]}"#;
const CONTINUE: &str = r#"{"v":1,"action":"continue"}"#;

/// `pb_alloc(len) -> ptr`.
#[unsafe(no_mangle)]
pub extern "C" fn pb_alloc(len: u32) -> u32 {
    wasmbase_sdk::alloc(len as usize) as usize as u32
}

/// `pb_manifest() -> ptr << 32 | len`.
#[unsafe(no_mangle)]
pub extern "C" fn pb_manifest() -> u64 {
    wasmbase_sdk::into_host(MANIFEST.as_bytes().to_vec())
}

/// `pb_handle(ptr, len) -> ptr << 32 | len`: always continue.
#[unsafe(no_mangle)]
pub extern "C" fn pb_handle(_ptr: u32, _len: u32) -> u64 {
    wasmbase_sdk::into_host(CONTINUE.as_bytes().to_vec())
}
