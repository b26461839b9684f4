//! PocketBase's `tools/tokenizer`, ported rune for rune: splits text on separator characters
//! while keeping parenthesised groups and quoted strings (`'`, `"`, `` ` ``; a backslash escapes
//! the next character) together. PocketBase reads view queries with it, so reproducing which
//! queries it accepts, how it splits them and its error wording needs the same algorithm, not a
//! real SQL lexer. See `../shared/spec/collections-and-fields.md` §1 (view collections).

/// Unicode whitespace Go's tokenizer trims from tokens (minus the separators).
const WHITESPACE: [char; 8] = ['\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}'];

/// The tokenizer's configuration; [`Tokenizer::scan_all`] does the work.
#[derive(Clone, Debug)]
pub struct Tokenizer {
    separators: Vec<char>,
    keep_separator: bool,
}

impl Tokenizer {
    /// A tokenizer splitting on `separators`.
    pub fn new(separators: &[char]) -> Self {
        Self { separators: separators.to_vec(), keep_separator: false }
    }

    /// Keeps the separator that ends a token at the end of the token.
    pub fn keep_separator(mut self) -> Self {
        self.keep_separator = true;
        self
    }

    /// Every non-empty token of `text`, or Go's unbalanced-expression error.
    pub fn scan_all(&self, text: &str) -> Result<Vec<String>, String> {
        // compat: Go's reader reports a NUL rune as the end of the input.
        let text = text.split('\0').next().unwrap_or_default();
        let mut chars = text.chars().peekable();
        let mut tokens = Vec::new();
        while chars.peek().is_some() {
            let token = self.read_token(&mut chars)?;
            if !token.is_empty() {
                tokens.push(token);
            }
        }
        Ok(tokens)
    }

    fn read_token(
        &self,
        chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    ) -> Result<String, String> {
        let mut buf = String::new();
        let mut parenthesis = 0usize;
        let mut quote: Option<char> = None;
        let mut previous: Option<char> = None;
        for ch in chars.by_ref() {
            if previous != Some('\\') {
                if ch == '(' && quote.is_none() {
                    parenthesis += 1;
                } else if ch == ')' && parenthesis > 0 && quote.is_none() {
                    parenthesis -= 1;
                } else if matches!(ch, '\'' | '"' | '`') {
                    match quote {
                        Some(open) if open == ch => quote = None,
                        None => quote = Some(ch),
                        Some(_) => {}
                    }
                }
            }
            if self.separators.contains(&ch) && parenthesis == 0 && quote.is_none() {
                if self.keep_separator {
                    buf.push(ch);
                }
                break;
            }
            previous = Some(ch);
            buf.push(ch);
        }
        if parenthesis > 0 || quote.is_some() {
            return Err(format!("unbalanced parenthesis or quoted expression: {}", go_quote(&buf)));
        }
        let cutset: Vec<char> =
            WHITESPACE.iter().copied().filter(|c| !self.separators.contains(c)).collect();
        Ok(buf.trim_matches(cutset.as_slice()).to_owned())
    }
}

/// Go's `%q` of a string: double-quoted with Go escapes.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_groups_and_quotes_together() {
        let tokens = Tokenizer::new(&[',']).scan_all("a, b, (c, d), 'e, f', g\\'h").unwrap();
        assert_eq!(tokens, ["a", "b", "(c, d)", "'e, f'", "g\\'h"]);
    }

    #[test]
    fn keeps_separators_when_asked() {
        let tokens = Tokenizer::new(&[',', ' ']).keep_separator().scan_all("a  b,c").unwrap();
        assert_eq!(tokens, ["a ", " ", "b,", "c"]);
    }

    #[test]
    fn reports_unbalanced_input_like_go() {
        let error = Tokenizer::new(&[' ']).scan_all("x where (").unwrap_err();
        assert_eq!(error, "unbalanced parenthesis or quoted expression: \"(\"");
        let error = Tokenizer::new(&[',']).scan_all("'a\"\tb").unwrap_err();
        assert_eq!(error, r#"unbalanced parenthesis or quoted expression: "'a\"\tb""#);
    }
}
