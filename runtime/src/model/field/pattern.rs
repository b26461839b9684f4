//! Regex support for fields: `pattern` checks (compiled once per field and cached) and
//! `autogeneratePattern` values (a random string matching a simple regex such as
//! `[a-z0-9]{15}`, as PocketBase generates ids and token keys).

use std::sync::{Arc, OnceLock};

use rand::Rng;
use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// A lazily compiled regex that compares equal to any other (it is a cache, not data).
#[derive(Clone, Default)]
pub struct RegexCache(Arc<OnceLock<Option<Regex>>>);

impl RegexCache {
    /// The compiled `pattern`, or `None` when it does not compile.
    pub fn get(&self, pattern: &str) -> Option<&Regex> {
        self.0.get_or_init(|| Regex::new(pattern).ok()).as_ref()
    }
}

impl PartialEq for RegexCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for RegexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RegexCache")
    }
}

/// Why no value could be generated.
#[derive(Debug, thiserror::Error)]
#[error("cannot generate a value for pattern {pattern:?}: {reason}")]
pub struct GenerateError {
    pattern: String,
    reason: String,
}

/// Repetitions without an upper bound (`*`, `+`, `{n,}`) stop this many items past the minimum.
const OPEN_REPEAT_EXTRA: u32 = 8;

/// A random string matching `pattern` (literals, classes, groups, alternation, repetition;
/// anchors and look-arounds are ignored).
pub fn random_string_by_regex(pattern: &str) -> Result<String, GenerateError> {
    let error = |reason: String| GenerateError { pattern: pattern.to_owned(), reason };
    let hir = regex_syntax::Parser::new().parse(pattern).map_err(|e| error(e.to_string()))?;
    let mut out = String::new();
    let mut rng = rand::rng();
    generate(&hir, &mut rng, &mut out, 0).map_err(error)?;
    Ok(out)
}

fn generate(hir: &Hir, rng: &mut impl Rng, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("pattern nests too deeply".to_owned());
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            let total: u64 =
                class.ranges().iter().map(|r| u64::from(r.end()) - u64::from(r.start()) + 1).sum();
            if total == 0 {
                return Err("empty class".to_owned());
            }
            let mut pick = rng.random_range(0..total);
            for range in class.ranges() {
                let size = u64::from(range.end()) - u64::from(range.start()) + 1;
                if pick < size {
                    let code = u32::from(range.start()) + u32::try_from(pick).unwrap_or(0);
                    out.push(char::from_u32(code).unwrap_or('a'));
                    break;
                }
                pick -= size;
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges = class.ranges();
            let range =
                ranges.get(rng.random_range(0..ranges.len().max(1))).ok_or("empty class")?;
            out.push(char::from(rng.random_range(range.start()..=range.end())));
        }
        HirKind::Repetition(repetition) => {
            let max = repetition.max.unwrap_or(repetition.min + OPEN_REPEAT_EXTRA);
            let count = rng.random_range(repetition.min..=max.max(repetition.min));
            for _ in 0..count {
                generate(&repetition.sub, rng, out, depth + 1)?;
            }
        }
        HirKind::Capture(capture) => generate(&capture.sub, rng, out, depth + 1)?,
        HirKind::Concat(items) => {
            for item in items {
                generate(item, rng, out, depth + 1)?;
            }
        }
        HirKind::Alternation(items) => {
            let item =
                items.get(rng.random_range(0..items.len().max(1))).ok_or("empty alternation")?;
            generate(item, rng, out, depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_match_their_pattern() {
        for pattern in
            ["[a-z0-9]{15}", "[a-zA-Z0-9]{50}", "pre-[a-z]{5}", "(ab|cd)[0-9]{2,4}", "x+"]
        {
            let value = random_string_by_regex(pattern).unwrap();
            let re = Regex::new(&format!("^(?:{pattern})$")).unwrap();
            assert!(re.is_match(&value), "{pattern} -> {value}");
        }
        assert_eq!(random_string_by_regex("[a-z0-9]{15}").unwrap().len(), 15);
    }

    #[test]
    fn invalid_patterns_are_errors() {
        assert!(random_string_by_regex("[a-").is_err());
    }
}
