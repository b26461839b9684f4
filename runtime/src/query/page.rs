//! List pagination as PocketBase reads it: `page` (default 1, ≤ 0 → 1), `perPage` (default 30,
//! ≤ 0 → 30, capped at 1000), `skipTotal` (no count; totals reported as -1), and the list
//! envelope `{items, page, perPage, totalItems, totalPages}`.
//! See `../shared/spec/records.md` (list / search).

use serde_json::{Map, Value};

/// Default page size.
pub const DEFAULT_PER_PAGE: usize = 30;
/// Largest page size.
pub const MAX_PER_PAGE: usize = 1000;

/// Parsed pagination parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// 1-based page.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// Do not count the total.
    pub skip_total: bool,
}

/// A pagination parameter is not an integer (or `skipTotal` not a bool).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid pagination parameter")]
pub struct PageError;

impl Pagination {
    /// Reads the three parameters (absent = default).
    pub fn parse(
        page: Option<&str>,
        per_page: Option<&str>,
        skip_total: Option<&str>,
    ) -> Result<Self, PageError> {
        let number = |text: Option<&str>, default: usize| -> Result<usize, PageError> {
            match text.filter(|t| !t.is_empty()) {
                None => Ok(default),
                Some(text) => {
                    let value: i64 = text.parse().map_err(|_| PageError)?;
                    Ok(if value <= 0 {
                        default
                    } else {
                        usize::try_from(value).unwrap_or(usize::MAX)
                    })
                }
            }
        };
        let skip_total = match skip_total.filter(|t| !t.is_empty()) {
            None => false,
            Some("1" | "t" | "T" | "true" | "TRUE" | "True") => true,
            Some("0" | "f" | "F" | "false" | "FALSE" | "False") => false,
            Some(_) => return Err(PageError),
        };
        Ok(Self {
            page: number(page, 1)?,
            per_page: number(per_page, DEFAULT_PER_PAGE)?.min(MAX_PER_PAGE),
            skip_total,
        })
    }

    /// Rows to skip.
    pub fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The list envelope; `total` is `None` with `skipTotal` (totals become -1).
    pub fn envelope(&self, items: Vec<Value>, total: Option<usize>) -> Value {
        let mut map = Map::new();
        map.insert("items".into(), Value::Array(items));
        map.insert("page".into(), Value::from(self.page));
        map.insert("perPage".into(), Value::from(self.per_page));
        match total {
            Some(total) => {
                map.insert("totalItems".into(), Value::from(total));
                map.insert("totalPages".into(), Value::from(total.div_ceil(self.per_page)));
            }
            None => {
                map.insert("totalItems".into(), Value::from(-1));
                map.insert("totalPages".into(), Value::from(-1));
            }
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_pocketbase() {
        let p = Pagination::parse(Some("0"), Some("5000"), None).unwrap();
        assert_eq!((p.page, p.per_page), (1, 1000));
        let p = Pagination::parse(None, Some("-1"), Some("1")).unwrap();
        assert_eq!((p.page, p.per_page, p.skip_total), (1, 30, true));
        assert!(Pagination::parse(Some("abc"), None, None).is_err());
        let envelope =
            Pagination::parse(Some("2"), Some("2"), None).unwrap().envelope(vec![], Some(5));
        assert_eq!(envelope["totalPages"], 3);
    }
}
