//! Files of a record write: uploads under `field`, `field+` (append) or `+field` (prepend)
//! get stored names; a bare upload replaces the field's files, merged after any existing names
//! sent in the same request; sizes, sniffed content types and counts are checked; names that
//! are neither stored nor uploaded are refused; removed files are deleted after the save.
//! See `../shared/spec/collections-and-fields.md` §3 (file) and `../shared/spec/records.md`.

use serde_json::{Map, Value};

use crate::files::UploadedFile;
use crate::files::name::stored_name;
use crate::files::sniff::{essence, sniff};
use crate::files::storage::NewFile;
use crate::model::field::FieldOptions;
use crate::model::{Collection, FieldError, Record, ValidationErrors};

/// Files with no `maxSize` may be this large.
pub const DEFAULT_MAX_FILE_SIZE: i64 = 5 * 1024 * 1024;

/// What the write does to storage once it commits.
#[derive(Clone, Debug, Default)]
pub struct FileChanges {
    /// New files to store.
    pub new: Vec<NewFile>,
    /// Stored names no longer referenced (deleted after the commit).
    pub removed: Vec<String>,
}

/// Applies `uploads` to `record` (whose id is final), checks every file field, and returns the
/// storage changes. `original` is the stored record on update; `data` the submitted values.
pub fn apply_uploads(
    collection: &Collection,
    original: Option<&Record>,
    record: &mut Record,
    data: &Map<String, Value>,
    uploads: &[UploadedFile],
) -> Result<FileChanges, ValidationErrors> {
    let mut changes = FileChanges::default();
    let mut errors = ValidationErrors::new();
    for field in &collection.fields {
        let FieldOptions::File(options) = &field.options else { continue };
        let mut names = strings(record.get(&field.name));
        let stored = original.map(|o| strings(o.get(&field.name))).unwrap_or_default();
        let mut uploaded_names: Vec<String> = Vec::new();
        let max_size = if options.max_size > 0 { options.max_size } else { DEFAULT_MAX_FILE_SIZE };
        for (modifier, upload) in uploads.iter().filter_map(|u| upload_for(&field.name, u)) {
            let size = i64::try_from(upload.data.len()).unwrap_or(i64::MAX);
            if size > max_size {
                errors.add(
                    field.name.clone(),
                    FieldError {
                        code: "validation_file_size_limit".to_owned(),
                        message: format!(
                            "Failed to upload {} - the maximum allowed file size is {max_size} bytes.",
                            upload.filename
                        ),
                        params: serde_json::json!({"file": upload.filename, "maxSize": max_size}).as_object().cloned(),
                    },
                );
                continue;
            }
            let (mime, ext) = sniff(&upload.data);
            let name = stored_name(&upload.filename, ext);
            if !options.mime_types.is_empty()
                && !options.mime_types.iter().any(|m| m == essence(mime))
            {
                errors.add(
                    field.name.clone(),
                    FieldError::new(
                        "validation_invalid_mime_type",
                        format!(
                            "\"{name}\" mime type must be one of: {}.",
                            options.mime_types.join(", ")
                        ),
                    ),
                );
                continue;
            }
            match modifier {
                Upload::Replace => {
                    if !data.contains_key(&field.name) && uploaded_names.is_empty() {
                        names.clear();
                    }
                    names.push(name.clone());
                }
                Upload::Append => names.push(name.clone()),
                Upload::Prepend => names.insert(0, name.clone()),
            }
            uploaded_names.push(name.clone());
            changes.new.push(NewFile {
                collection_id: collection.id.clone(),
                record_id: record.id().to_owned(),
                name,
                original_name: upload.filename.clone(),
                content_type: mime.to_owned(),
                data: upload.data.clone(),
            });
        }
        if errors.contains(&field.name) {
            continue;
        }
        if !field.options.is_multiple() && names.len() > 1 {
            names = names.split_off(names.len() - 1);
        }
        let invalid: Vec<String> = names
            .iter()
            .filter(|n| !stored.contains(n) && !uploaded_names.contains(n))
            .cloned()
            .collect();
        if !invalid.is_empty() {
            errors.add(
                field.name.clone(),
                FieldError {
                    code: "validation_invalid_file".to_owned(),
                    message: format!("Invalid new files: [{}].", invalid.join(" ")),
                    params: serde_json::json!({"invalidFiles": invalid}).as_object().cloned(),
                },
            );
            continue;
        }
        changes.removed.extend(stored.iter().filter(|s| !names.contains(s)).cloned());
        let value = if field.options.is_multiple() {
            Value::Array(names.into_iter().map(Value::from).collect())
        } else {
            Value::from(names.pop().unwrap_or_default())
        };
        record.set(&field.name, value);
    }
    errors.into_result().map(|()| changes)
}

#[derive(Clone, Copy)]
enum Upload {
    Replace,
    Append,
    Prepend,
}

fn upload_for<'a>(field: &str, upload: &'a UploadedFile) -> Option<(Upload, &'a UploadedFile)> {
    let key = upload.key.as_str();
    if key == field {
        Some((Upload::Replace, upload))
    } else if key.strip_suffix('+') == Some(field) {
        Some((Upload::Append, upload))
    } else if key.strip_prefix('+') == Some(field) {
        Some((Upload::Prepend, upload))
    } else {
        None
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        }
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}
