//! The contract between wasmbase and a hook module (`pb_v1`): the names of the exports a
//! module provides and of the host import module. Shared by the host (`runtime`) and the
//! guest SDK so neither can drift. The full ABI (payload types, host operations) is specified
//! in `docs/hooks-abi.md` as the hooks runtime lands.
#![no_std]
#![warn(missing_docs)]

/// Version of the ABI this crate describes.
pub const ABI_VERSION: u32 = 1;
/// The import module name hooks link against.
pub const IMPORT_MODULE: &str = "pb_v1";
/// Export: `pb_alloc(len: i32) -> ptr: i32`, memory the host writes a payload into.
pub const EXPORT_ALLOC: &str = "pb_alloc";
/// Export: `pb_manifest() -> i64` (`ptr << 32 | len` of the manifest JSON).
pub const EXPORT_MANIFEST: &str = "pb_manifest";
/// Export: `pb_handle(ptr: i32, len: i32) -> i64` (`ptr << 32 | len` of the response JSON).
pub const EXPORT_HANDLE: &str = "pb_handle";

/// Packs a guest pointer and length into the `i64` the exports return.
pub const fn pack(ptr: u32, len: u32) -> u64 {
    ((ptr as u64) << 32) | len as u64
}

/// Splits a packed `i64` into pointer and length.
pub const fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips() {
        assert_eq!(unpack(pack(0x1234, 56)), (0x1234, 56));
    }
}
