//! The type-specific options of each field type, with PocketBase's JSON keys and defaults.
//! See `../shared/spec/collections-and-fields.md` §3.

use serde::{Deserialize, Serialize};

use super::pattern::RegexCache;

/// `text` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TextOptions {
    /// Regex used to generate a value on create when none is given.
    pub autogenerate_pattern: String,
    /// Max length in characters; 0 means 5000.
    pub max: i64,
    /// Min length in characters.
    pub min: i64,
    /// Regex the value must match.
    pub pattern: String,
    /// Only the `id` field.
    pub primary_key: bool,
    /// `pattern`, compiled on first use.
    #[serde(skip)]
    pub pattern_regex: RegexCache,
}

/// `editor` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EditorOptions {
    /// UI hint only.
    #[serde(rename = "convertURLs")]
    pub convert_urls: bool,
    /// Max size in bytes; 0 means 5 MiB.
    pub max_size: i64,
}

/// `number` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NumberOptions {
    /// Upper bound, if any.
    pub max: Option<f64>,
    /// Lower bound, if any.
    pub min: Option<f64>,
    /// Reject decimals.
    pub only_int: bool,
}

/// `email` and `url` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainOptions {
    /// Domains that are refused.
    pub except_domains: Vec<String>,
    /// The only domains allowed (when non-empty).
    pub only_domains: Vec<String>,
}

/// `date` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DateOptions {
    /// Latest allowed datetime, or `""`.
    pub max: String,
    /// Earliest allowed datetime, or `""`.
    pub min: String,
}

/// `autodate` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutodateOptions {
    /// Set on insert.
    pub on_create: bool,
    /// Set on every update.
    pub on_update: bool,
}

/// `select` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SelectOptions {
    /// ≤ 1 is single, more is multiple.
    pub max_select: i64,
    /// Allowed values.
    pub values: Vec<String>,
}

/// `file` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FileOptions {
    /// ≤ 1 is single, more is multiple.
    pub max_select: i64,
    /// Bytes per file; 0 means 5 MiB.
    pub max_size: i64,
    /// Allowed (sniffed) content types.
    pub mime_types: Vec<String>,
    /// Downloads need a file token.
    pub protected: bool,
    /// Extra allowed thumb sizes.
    pub thumbs: Vec<String>,
}

/// `relation` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RelationOptions {
    /// Delete referencing records with the target.
    pub cascade_delete: bool,
    /// Target collection id.
    pub collection_id: String,
    /// ≤ 1 is single, more is multiple.
    pub max_select: i64,
    /// Minimum number of ids.
    pub min_select: i64,
}

/// `json` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JsonOptions {
    /// Max serialized size in bytes; 0 means 1 MiB.
    pub max_size: i64,
}

/// `password` options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PasswordOptions {
    /// bcrypt cost in PocketBase (kept for compatibility; wasmbase hashes new passwords with
    /// argon2id and ignores it).
    pub cost: i64,
    /// Max length; 0 means 71.
    pub max: i64,
    /// Min length.
    pub min: i64,
    /// Regex the plain password must match.
    pub pattern: String,
    /// `pattern`, compiled on first use.
    #[serde(skip)]
    pub pattern_regex: RegexCache,
}
