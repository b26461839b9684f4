//! Uploaded files: PocketBase's stored names, content sniffing, and the local storage under
//! `pb_data/storage/<collectionId>/<recordId>/`. See
//! `../shared/spec/files-batch-settings-misc.md` §1.

pub mod name;
pub mod sniff;
pub mod storage;

pub use storage::Storage;

/// One uploaded file part of a request.
#[derive(Clone, Debug)]
pub struct UploadedFile {
    /// The form key (field name, possibly with a `+`/`-` modifier or a `requests.N.` prefix).
    pub key: String,
    /// The client's file name.
    pub filename: String,
    /// The client's content type.
    pub content_type: String,
    /// The bytes.
    pub data: bytes::Bytes,
}
