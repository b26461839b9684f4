//! The `:excerpt(max, withEllipsis)` text of an HTML value: text nodes kept, non-content
//! elements (`script`, `style`, `svg`, `img`, ...) dropped, block boundaries turned into a
//! space, whitespace collapsed, then cut to `max` characters.
//! See `../shared/spec/records.md` (fields).

/// Elements whose content is never text.
const SKIPPED: &[&str] = &[
    "script", "style", "svg", "img", "iframe", "form", "input", "select", "textarea", "button",
    "object", "embed", "video", "audio", "canvas", "noscript", "template", "head", "title",
];

/// Inline elements: their tags do not separate words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// The plain-text excerpt of `html`.
pub fn excerpt(html: &str, max: usize, with_ellipsis: bool) -> String {
    let text = collapse_whitespace(&html_text(html));
    let mut chars = text.chars();
    let cut: String = chars.by_ref().take(max).collect();
    if chars.next().is_none() {
        return cut;
    }
    let mut cut = cut.trim_end().to_owned();
    if with_ellipsis {
        cut.push_str("...");
    }
    cut
}

fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut skipping: Option<String> = None;
    while let Some(start) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&decode_entities(&rest[..start]));
        }
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match &skipping {
            Some(skipped) if closing && *skipped == name => skipping = None,
            Some(_) => {}
            None if !closing && SKIPPED.contains(&name.as_str()) && !tag.ends_with('/') => {
                // Void elements have no closing tag to wait for.
                if !matches!(name.as_str(), "img" | "input" | "embed") {
                    skipping = Some(name);
                }
            }
            None if INLINE.contains(&name.as_str()) => {}
            None => out.push(' '),
        }
    }
    if skipping.is_none() && !rest.starts_with('<') {
        out.push_str(&decode_entities(rest));
    }
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_and_cuts() {
        assert_eq!(excerpt("<p>Hello <b>world</b></p>", 100, true), "Hello world");
        assert_eq!(
            excerpt("<p>Hello</p><script>x()</script><p>world</p>", 100, false),
            "Hello world"
        );
        assert_eq!(excerpt("abcdef", 3, true), "abc...");
        assert_eq!(excerpt("abc def", 4, false), "abc");
        assert_eq!(excerpt("a &amp; b", 10, false), "a & b");
        assert_eq!(excerpt("Hel<b>lo</b>", 10, false), "Hello");
    }
}
