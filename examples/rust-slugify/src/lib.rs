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
    let title = e.record.get_str("title");
    if is_spam(title) {
        return Err(ApiError::bad_request("No spam.").field(
            "title",
            "validation_spam",
            "No spam.",
        ));
    }
    if e.record.get_str("slug").is_empty() {
        let slug = slug(title);
        e.record.set("slug", slug);
    }
    Ok(())
}

/// Whether the lowercased title contains "spam". Only ASCII letters lowercase to `s`, `p`, `a`
/// or `m`, so comparing ASCII case-insensitively gives the same answer without lowercasing.
pub fn is_spam(title: &str) -> bool {
    title.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"spam"))
}

/// The title lowercased, runs of non-alphanumerics turned into one `-`, trimmed of `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    // A run of non-alphanumerics waiting for the next alphanumeric (dropped at either end).
    let mut dash = false;
    let push = |c: char, out: &mut String, dash: &mut bool| {
        if *dash && !out.is_empty() {
            out.push('-');
        }
        *dash = false;
        out.push(c);
    };
    for c in title.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push(c.to_ascii_lowercase(), &mut out, &mut dash);
            } else {
                dash = true;
            }
            continue;
        }
        for lower in c.to_lowercase() {
            if lower.is_alphanumeric() {
                push(lower, &mut out, &mut dash);
            } else {
                dash = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, spelled out: lowercase, runs of non-alphanumerics to one `-`, trim `-`.
    fn reference(title: &str) -> String {
        let lower = title.to_lowercase();
        let mut out = String::new();
        for c in lower.chars() {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
        out.trim_matches('-').to_owned()
    }

    #[test]
    fn slugs_follow_the_definition() {
        for title in [
            "Hello, World!",
            "Bench Title 1-7 Über",
            "  --a  b--  ",
            "ÀÉÎ Ö_ü ß İstanbul K",
            "日本語 テキスト!",
            "",
            "---",
            "a\u{301}b",
        ] {
            assert_eq!(slug(title), reference(title), "{title:?}");
        }
        assert_eq!(slug("Hello, World!"), "hello-world");
    }

    #[test]
    fn spam_is_found_in_any_case() {
        for (title, spam) in
            [("SpAm here", true), ("no sp am", false), ("ÜSPAMÜ", true), ("spa", false)]
        {
            assert_eq!(is_spam(title), spam, "{title:?}");
            assert_eq!(is_spam(title), title.to_lowercase().contains("spam"), "{title:?}");
        }
    }
}
