//! The one error type of the filter, rule and sort parser: a byte offset into the input plus a
//! short typed reason. The HTTP layer maps every one of them to PocketBase's generic 400.
//! See `../shared/spec/filters-and-rules.md` §1 (grammar and limits) and §7 (sort).

/// Why a filter, rule or sort string was rejected, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {offset})")]
pub struct FilterError {
    /// Byte offset into the parsed string where the problem starts.
    pub offset: usize,
    /// What is wrong.
    pub kind: FilterErrorKind,
}

impl FilterError {
    /// Builds an error at `offset`.
    pub fn new(offset: usize, kind: FilterErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// The reason part of a [`FilterError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterErrorKind {
    /// The input holds nothing but whitespace and comments.
    #[error("empty filter expression")]
    Empty,
    /// The input is longer than the allowed number of bytes.
    #[error("filter is longer than {max} bytes")]
    TooLong {
        /// The limit that was exceeded.
        max: usize,
    },
    /// More comparison expressions than allowed.
    #[error("more than {max} filter expressions")]
    TooManyComparisons {
        /// The limit that was exceeded.
        max: usize,
    },
    /// Parentheses nested deeper than allowed.
    #[error("parentheses nested deeper than {max} levels")]
    TooDeep {
        /// The limit that was exceeded.
        max: usize,
    },
    /// Function calls nested deeper than allowed.
    #[error("function calls nested deeper than {max} levels")]
    FunctionTooDeep {
        /// The limit that was exceeded.
        max: usize,
    },
    /// A character that starts no token (`%`, `$`, a lone `/`, non-ASCII outside text, ...).
    #[error("unexpected character {0:?}")]
    UnexpectedChar(char),
    /// An identifier ending with `.`/`:`, or a lone `@`, `_` or `#`.
    #[error("invalid identifier {0:?}")]
    InvalidIdentifier(String),
    /// A malformed number (`-`, `.5`, `5.`, `1.2.3`).
    #[error("invalid number {0:?}")]
    InvalidNumber(String),
    /// A quoted text without its closing quote.
    #[error("unterminated quoted text")]
    UnterminatedText,
    /// A run of operator characters that is not one of the 16 operators.
    #[error("invalid operator {0:?}")]
    InvalidSign(String),
    /// A run of `&`/`|` that is not `&&` or `||`.
    #[error("invalid join operator {0:?}")]
    InvalidJoin(String),
    /// A token that does not fit the grammar at this place.
    #[error("expected {expected}, found {found}")]
    Unexpected {
        /// What the grammar allows here.
        expected: &'static str,
        /// What was found instead.
        found: &'static str,
    },
    /// A `(` group without its `)`.
    #[error("missing closing parenthesis")]
    UnclosedGroup,
    /// A function call without its `)`.
    #[error("missing closing parenthesis of function call")]
    UnclosedFunction,
    /// A function name that is not `geoDistance` or `strftime`.
    #[error("unknown function {0:?}")]
    UnknownFunction(String),
    /// A known function called with the wrong number of arguments.
    #[error("{function}() expects {expected} arguments, got {found}")]
    WrongArgCount {
        /// The function name.
        function: &'static str,
        /// The allowed count, for the message (`"4"`, `"1 to 10"`).
        expected: &'static str,
        /// How many were given.
        found: usize,
    },
    /// A known function argument of the wrong kind.
    #[error("{function}() argument {index} must be {expected}")]
    InvalidArgument {
        /// The function name.
        function: &'static str,
        /// Zero-based argument position.
        index: usize,
        /// The allowed kinds, for the message.
        expected: &'static str,
    },
    /// More sort items than allowed.
    #[error("more than {max} sort fields")]
    TooManySortFields {
        /// The limit that was exceeded.
        max: usize,
    },
    /// A sort field name longer than allowed.
    #[error("sort field is longer than {max} bytes")]
    SortFieldTooLong {
        /// The limit that was exceeded.
        max: usize,
    },
    /// A sort item that is empty (`a,,b`, trailing comma, lone `-`).
    #[error("empty sort field")]
    EmptySortField,
    /// A sort item that is not a single identifier.
    #[error("invalid sort field {0:?}")]
    InvalidSortField(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_reason_and_the_offset() {
        let cases = [
            (FilterError::new(0, FilterErrorKind::Empty), "empty filter expression (at byte 0)"),
            (
                FilterError::new(3500, FilterErrorKind::TooLong { max: 3500 }),
                "filter is longer than 3500 bytes (at byte 3500)",
            ),
            (
                FilterError::new(4, FilterErrorKind::UnexpectedChar('%')),
                "unexpected character '%' (at byte 4)",
            ),
            (
                FilterError::new(
                    2,
                    FilterErrorKind::Unexpected { expected: "an operator", found: "a number" },
                ),
                "expected an operator, found a number (at byte 2)",
            ),
            (
                FilterError::new(
                    0,
                    FilterErrorKind::WrongArgCount {
                        function: "geoDistance",
                        expected: "4",
                        found: 3,
                    },
                ),
                "geoDistance() expects 4 arguments, got 3 (at byte 0)",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }
}
