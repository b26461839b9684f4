//! The name an uploaded file is stored under: `<snake_case base>_<10 random>.<ext>`, with
//! PocketBase's rules for extensions (last one, or last two when the name has several dots),
//! short bases padded with random characters, and the extension taken from the content when
//! the name has none. See `../shared/spec/files-batch-settings-misc.md` §1 (upload and naming).

use crate::model::id::{ID_ALPHABET, random_string};

/// The stored name of an upload called `original` whose sniffed extension is `sniffed_ext`
/// (with its dot, e.g. `.txt`).
pub fn stored_name(original: &str, sniffed_ext: &str) -> String {
    let original = last_bytes(original, 300);
    let (base, ext) = split_extension(original);
    let mut ext: String =
        ext.chars().filter(|c| c.is_ascii_alphanumeric() || "_.*+=#-".contains(*c)).collect();
    while ext.contains("..") {
        ext = ext.replace("..", ".");
    }
    if ext.trim_matches('.').is_empty() {
        ext = sniffed_ext.to_owned();
    }
    if !ext.is_empty() && !ext.starts_with('.') {
        ext.insert(0, '.');
    }
    let ext: String = ext.chars().take(20).collect();
    let mut base = snake_case(base.trim_matches('.'));
    if base.chars().count() < 3 {
        base.push_str(&random_string(10, ID_ALPHABET));
    }
    let base: String = base.chars().take(100).collect();
    format!("{base}_{}{ext}", random_string(10, ID_ALPHABET))
}

fn last_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// `name.ext` → (`name`, `.ext`); with more than one dot the last two parts form the extension.
fn split_extension(name: &str) -> (&str, &str) {
    let Some(last) = name.rfind('.') else { return (name, "") };
    if name.matches('.').count() > 1 {
        if let Some(previous) = name[..last].rfind('.') {
            return (&name[..previous], &name[previous..]);
        }
    }
    (&name[..last], &name[last..])
}

/// PocketBase's snake case: ASCII letters and digits kept, camel-case humps and anything else
/// become single underscores, lower-cased, no leading/trailing underscore.
pub fn snake_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(original: &str) -> String {
        let name = stored_name(original, ".txt");
        // Replace the random parts so the shape can be compared.
        let (head, ext) = match name.find('.') {
            Some(i) => (&name[..i], &name[i..]),
            None => (name.as_str(), ""),
        };
        let (base, random) = head.rsplit_once('_').unwrap();
        assert_eq!(random.len(), 10, "{name}");
        format!("{base}_RANDOM{ext}")
    }

    #[test]
    fn names_like_pocketbase() {
        assert_eq!(shape("My Photo (1).png"), "my_photo_1_RANDOM.png");
        assert_eq!(shape("archive.tar.gz"), "archive_RANDOM.tar.gz");
        assert_eq!(shape("a.b.c.d"), "a_b_RANDOM.c.d");
        assert_eq!(shape("noext"), "noext_RANDOM.txt");
        assert_eq!(shape("MyCamelCase.txt"), "my_camel_case_RANDOM.txt");
        assert_eq!(shape("weird&name!.t@t"), "weird_name_RANDOM.tt");
        assert_eq!(shape("Ünïcödé naïve.txt"), "n_c_d_na_ve_RANDOM.txt");
        assert_eq!(stored_name("x.PNG", ".png").len(), "x".len() + 10 + 1 + 10 + 4);
    }
}
