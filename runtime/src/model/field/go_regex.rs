//! Regex checks for field options, reported the way Go's `regexp` package words its errors
//! (`error parsing regexp: missing closing ): \`(\``), since PocketBase passes those through.

use regex_syntax::ast::ErrorKind;

/// `None` when `pattern` compiles, else PocketBase's message (sentenized).
pub fn regex_error(pattern: &str) -> Option<String> {
    let Err(error) = regex_syntax::ast::parse::Parser::new().parse(pattern) else {
        return regex::Regex::new(pattern).err().map(|e| format!("Error parsing regexp: {e}."));
    };
    let span = error.span();
    let spanned = pattern.get(span.start.offset..span.end.offset).unwrap_or(pattern);
    let to_end = pattern.get(span.start.offset..).unwrap_or(pattern);
    let (code, expr) = match error.kind() {
        ErrorKind::GroupUnclosed => ("missing closing )", pattern),
        ErrorKind::GroupUnopened => ("unexpected )", pattern),
        ErrorKind::ClassUnclosed => ("missing closing ]", to_end),
        ErrorKind::RepetitionMissing => ("missing argument to repetition operator", spanned),
        ErrorKind::RepetitionCountInvalid
        | ErrorKind::RepetitionCountUnclosed
        | ErrorKind::RepetitionCountDecimalEmpty
        | ErrorKind::DecimalEmpty
        | ErrorKind::DecimalInvalid => ("invalid repeat count", spanned),
        ErrorKind::EscapeUnexpectedEof => ("trailing backslash at end of expression", ""),
        ErrorKind::EscapeUnrecognized
        | ErrorKind::EscapeHexEmpty
        | ErrorKind::EscapeHexInvalid
        | ErrorKind::EscapeHexInvalidDigit => ("invalid escape sequence", spanned),
        ErrorKind::ClassRangeInvalid | ErrorKind::ClassRangeLiteral => {
            ("invalid character class range", spanned)
        }
        ErrorKind::ClassEscapeInvalid => ("invalid escape sequence", spanned),
        ErrorKind::GroupNameEmpty
        | ErrorKind::GroupNameInvalid
        | ErrorKind::GroupNameUnexpectedEof
        | ErrorKind::GroupNameDuplicate { .. } => ("invalid named capture", spanned),
        _ => ("invalid or unsupported Perl syntax", spanned),
    };
    Some(if expr.is_empty() {
        format!("Error parsing regexp: {code}: ``.")
    } else {
        format!("Error parsing regexp: {code}: `{expr}`.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_errors_like_go() {
        assert_eq!(regex_error("("), Some("Error parsing regexp: missing closing ): `(`.".into()));
        assert_eq!(regex_error("["), Some("Error parsing regexp: missing closing ]: `[`.".into()));
        assert_eq!(regex_error("^[a-z]+$"), None);
    }
}
