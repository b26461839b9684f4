//! Example hook: before a record is created or updated in any collection with the text fields
//! `title` and `slug`, an empty `slug` becomes the title lowercased, each run of characters that
//! are not letters or digits turned into one `-`, trimmed of `-` ("Hello, World!" ->
//! "hello-world"). A title containing "spam" (any case) is rejected with 400 and
//! `data.title = {"code":"validation_spam","message":"No spam."}`.

use wasmbase_sdk::prelude::*;

wasmbase_sdk::hooks!(register);

fn register(hooks: &mut Hooks) {
    let options = || HookOptions::collections(&["*"]).with_fields(&["title", "slug"]);
    hooks.on_record(wasmbase_sdk::abi::event::RECORD_CREATE_REQUEST, options(), slugify);
    hooks.on_record(wasmbase_sdk::abi::event::RECORD_UPDATE_REQUEST, options(), slugify);
}

fn slugify(e: &mut RecordEvent) -> Result<(), ApiError> {
    let title = e.record.get_str("title").to_owned();
    if title.to_lowercase().contains("spam") {
        return Err(ApiError::bad_request("No spam.").field(
            "title",
            "validation_spam",
            "No spam.",
        ));
    }
    if e.record.get_str("slug").is_empty() {
        e.record.set("slug", slug(&title));
    }
    Ok(())
}

/// The title lowercased, runs of non-alphanumerics turned into one `-`, trimmed of `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}
