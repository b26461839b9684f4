//! Local file storage under `pb_data/storage/<collectionId>/<recordId>/<name>`, with the
//! `<name>.attrs` JSON sidecar PocketBase writes (content type, original name, md5).

use std::path::{Component, Path, PathBuf};

use serde_json::json;

/// The storage root of an app.
#[derive(Clone, Debug)]
pub struct Storage {
    root: PathBuf,
}

/// A file to store.
#[derive(Clone, Debug)]
pub struct NewFile {
    /// Collection id.
    pub collection_id: String,
    /// Record id.
    pub record_id: String,
    /// Stored name.
    pub name: String,
    /// The client's name.
    pub original_name: String,
    /// Sniffed content type.
    pub content_type: String,
    /// Bytes.
    pub data: bytes::Bytes,
}

impl Storage {
    /// Storage under `root` (`pb_data/storage`).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The path of a stored file, refusing names that would leave the record's folder.
    pub fn path(&self, collection_id: &str, record_id: &str, name: &str) -> Option<PathBuf> {
        let safe = |part: &str| {
            !part.is_empty()
                && Path::new(part).components().all(|c| matches!(c, Component::Normal(_)))
                && !part.contains('/')
        };
        (safe(collection_id) && safe(record_id) && safe(name))
            .then(|| self.root.join(collection_id).join(record_id).join(name))
    }

    /// Writes a file and its `.attrs` sidecar.
    pub async fn put(&self, file: &NewFile) -> std::io::Result<()> {
        let path =
            self.path(&file.collection_id, &file.record_id, &file.name).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "invalid file name")
            })?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::write(&path, &file.data).await?;
        tokio::fs::write(
            path.with_file_name(format!("{}.attrs", file.name)),
            attrs_json(file).to_string(),
        )
        .await
    }

    /// Writes a file and its sidecar from a blocking context (the writer thread).
    pub fn put_sync(&self, file: &NewFile) -> std::io::Result<()> {
        let path =
            self.path(&file.collection_id, &file.record_id, &file.name).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "invalid file name")
            })?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.data)?;
        std::fs::write(
            path.with_file_name(format!("{}.attrs", file.name)),
            attrs_json(file).to_string(),
        )
    }

    /// Removes files written by [`Storage::put_sync`] for a write that did not commit.
    pub fn discard_sync(&self, files: &[NewFile]) {
        for file in files {
            if let Some(path) = self.path(&file.collection_id, &file.record_id, &file.name) {
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(path.with_file_name(format!("{}.attrs", file.name)));
            }
        }
    }

    /// Reads a stored file's bytes and content type.
    pub async fn get(
        &self,
        collection_id: &str,
        record_id: &str,
        name: &str,
    ) -> Option<(Vec<u8>, String, std::fs::Metadata)> {
        let path = self.path(collection_id, record_id, name)?;
        let meta = tokio::fs::metadata(&path).await.ok().filter(|m| m.is_file())?;
        let data = tokio::fs::read(&path).await.ok()?;
        let attrs = tokio::fs::read(path.with_file_name(format!("{name}.attrs"))).await.ok();
        let content_type = attrs
            .and_then(|a| serde_json::from_slice::<serde_json::Value>(&a).ok())
            .and_then(|v| v.get("user.content_type").and_then(|t| t.as_str()).map(str::to_owned))
            .unwrap_or_else(|| super::sniff::sniff(&data).0.to_owned());
        Some((data, content_type, meta))
    }

    /// Deletes stored files (and their sidecars and thumbs); missing files are ignored.
    pub async fn delete(&self, collection_id: &str, record_id: &str, names: &[String]) {
        for name in names {
            if let Some(path) = self.path(collection_id, record_id, name) {
                let _ = tokio::fs::remove_file(&path).await;
                let _ = tokio::fs::remove_file(path.with_file_name(format!("{name}.attrs"))).await;
                let _ =
                    tokio::fs::remove_dir_all(path.with_file_name(format!("thumbs_{name}"))).await;
            }
        }
    }

    /// Deletes a record's whole folder.
    pub async fn delete_record(&self, collection_id: &str, record_id: &str) {
        if let Some(dir) =
            self.path(collection_id, record_id, "x").and_then(|p| p.parent().map(Path::to_path_buf))
        {
            let _ = tokio::fs::remove_dir_all(dir).await;
        }
    }
}

/// The `.attrs` sidecar PocketBase writes next to each file.
fn attrs_json(file: &NewFile) -> serde_json::Value {
    json!({
        "user.cache_control": "",
        "user.content_disposition": "",
        "user.content_encoding": "",
        "user.content_language": "",
        "user.content_type": file.content_type,
        "user.metadata": {"original-filename": file.original_name},
        "md5": format!("{:032x}", md5_digest(&file.data)),
    })
}

/// MD5 of the content (PocketBase records it in the sidecar).
fn md5_digest(data: &[u8]) -> u128 {
    use md5::Digest;
    u128::from_be_bytes(md5::Md5::digest(data).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_known_digests() {
        assert_eq!(format!("{:032x}", md5_digest(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            format!("{:032x}", md5_digest(b"The quick brown fox jumps over the lazy dog")),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }

    #[test]
    fn refuses_paths_outside_the_record_folder() {
        let storage = Storage::new(PathBuf::from("/tmp/s"));
        assert!(storage.path("c", "r", "../x").is_none());
        assert!(storage.path("c", "r", "a/b").is_none());
        assert!(storage.path("c", "r", "ok.txt").is_some());
    }
}
