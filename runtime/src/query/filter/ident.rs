//! Reads a lexically valid identifier into its structure: which root it starts from
//! (`@request.auth`, `@collection.name:alias`, a macro, or a field of the current collection),
//! the remaining path parts, and the `:modifier` on the last part. It never fails: shapes the
//! resolver must reject come out as [`IdentRoot::Unknown`].
//! See `../shared/spec/filters-and-rules.md` §3 (macros) and §4 (identifiers, modifiers).

/// The structural reading of an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentPath {
    /// Where the path starts.
    pub root: IdentRoot,
    /// The parts after the root, split on `.`, modifier removed (for [`IdentRoot::Field`], every
    /// part; for `@request.auth.team.name`, `["team", "name"]`). Parts are not validated: `a..b`
    /// gives an empty part, and a `:` in a middle part stays in the part.
    pub parts: Vec<String>,
    /// The `:modifier` of the last part, if any.
    pub modifier: Option<Modifier>,
}

/// Where an identifier path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentRoot {
    /// A field of the current collection (`title`, `author.name`, `comments_via_post.user`).
    Field,
    /// `@request.auth.<path>`.
    RequestAuth,
    /// `@request.body.<path>`.
    RequestBody,
    /// `@request.query.<path>`.
    RequestQuery,
    /// `@request.headers.<path>`.
    RequestHeaders,
    /// `@request.method`.
    RequestMethod,
    /// `@request.context`.
    RequestContext,
    /// `@collection.<name>[:alias].<path>`.
    Collection {
        /// Collection name or id.
        name: String,
        /// The join alias after `:`, if any.
        alias: Option<String>,
    },
    /// A datetime macro such as `@now` (exact text, no path or modifier).
    Macro(Macro),
    /// `@rowid` (valid only in sort).
    RowId,
    /// `@random` (valid only in sort).
    Random,
    /// Any other `@`/`#` identifier or incomplete special root (`@request.auth`, `@foo`); the
    /// resolver rejects it.
    Unknown,
}

/// The identifier macros of spec §3, evaluated per request in UTC by the resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Macro {
    /// `@now`
    Now,
    /// `@yesterday`
    Yesterday,
    /// `@tomorrow`
    Tomorrow,
    /// `@todayStart`
    TodayStart,
    /// `@todayEnd`
    TodayEnd,
    /// `@monthStart`
    MonthStart,
    /// `@monthEnd`
    MonthEnd,
    /// `@yearStart`
    YearStart,
    /// `@yearEnd`
    YearEnd,
    /// `@second`
    Second,
    /// `@minute`
    Minute,
    /// `@hour`
    Hour,
    /// `@day`
    Day,
    /// `@month`
    Month,
    /// `@year`
    Year,
    /// `@weekday` (0 = Sunday)
    Weekday,
}

impl Macro {
    /// Every macro.
    pub const ALL: [Macro; 16] = [
        Macro::Now,
        Macro::Yesterday,
        Macro::Tomorrow,
        Macro::TodayStart,
        Macro::TodayEnd,
        Macro::MonthStart,
        Macro::MonthEnd,
        Macro::YearStart,
        Macro::YearEnd,
        Macro::Second,
        Macro::Minute,
        Macro::Hour,
        Macro::Day,
        Macro::Month,
        Macro::Year,
        Macro::Weekday,
    ];

    /// The macro's exact (case-sensitive) text, including `@`.
    pub fn name(self) -> &'static str {
        match self {
            Macro::Now => "@now",
            Macro::Yesterday => "@yesterday",
            Macro::Tomorrow => "@tomorrow",
            Macro::TodayStart => "@todayStart",
            Macro::TodayEnd => "@todayEnd",
            Macro::MonthStart => "@monthStart",
            Macro::MonthEnd => "@monthEnd",
            Macro::YearStart => "@yearStart",
            Macro::YearEnd => "@yearEnd",
            Macro::Second => "@second",
            Macro::Minute => "@minute",
            Macro::Hour => "@hour",
            Macro::Day => "@day",
            Macro::Month => "@month",
            Macro::Year => "@year",
            Macro::Weekday => "@weekday",
        }
    }

    /// Looks a macro up by its exact text.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == text)
    }
}

/// A `:modifier` suffix (spec §4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// `:isset`
    IsSet,
    /// `:changed`
    Changed,
    /// `:length`
    Length,
    /// `:each`
    Each,
    /// `:lower`
    Lower,
    /// Anything else, as written after the `:`; the resolver rejects it.
    Unknown(String),
}

impl Modifier {
    /// Reads the text after `:`.
    pub fn parse(text: &str) -> Self {
        match text {
            "isset" => Modifier::IsSet,
            "changed" => Modifier::Changed,
            "length" => Modifier::Length,
            "each" => Modifier::Each,
            "lower" => Modifier::Lower,
            other => Modifier::Unknown(other.to_owned()),
        }
    }
}

impl IdentPath {
    /// Reads an identifier's text. Macros, `@rowid` and `@random` are matched on the whole text
    /// (PocketBase looks macros up by exact literal); everything else is split on `.`.
    pub fn parse(raw: &str) -> Self {
        if let Some(found) = Macro::from_name(raw) {
            return Self::bare(IdentRoot::Macro(found));
        }
        match raw {
            "@rowid" => return Self::bare(IdentRoot::RowId),
            "@random" => return Self::bare(IdentRoot::Random),
            _ => {}
        }

        let mut parts: Vec<String> = raw.split('.').map(str::to_owned).collect();
        let mut modifier = None;
        if let Some(last) = parts.last_mut() {
            if let Some((name, suffix)) = last.split_once(':') {
                modifier = Some(Modifier::parse(suffix));
                *last = name.to_owned();
            }
        }

        let root = match parts.first().map(String::as_str) {
            Some("@request") => request_root(&parts),
            Some("@collection") => collection_root(&parts),
            Some(first) if first.starts_with('@') || first.starts_with('#') => IdentRoot::Unknown,
            _ => IdentRoot::Field,
        };
        // Unknown roots keep every part as written so the resolver can name them in its error.
        if !matches!(root, IdentRoot::Field | IdentRoot::Unknown) {
            parts.drain(..2.min(parts.len()));
        }
        Self { root, parts, modifier }
    }

    fn bare(root: IdentRoot) -> Self {
        Self { root, parts: Vec::new(), modifier: None }
    }
}

fn request_root(parts: &[String]) -> IdentRoot {
    let second = parts.get(1).map(String::as_str);
    match (second, parts.len()) {
        (Some("auth"), 3..) => IdentRoot::RequestAuth,
        (Some("body"), 3..) => IdentRoot::RequestBody,
        (Some("query"), 3..) => IdentRoot::RequestQuery,
        (Some("headers"), 3..) => IdentRoot::RequestHeaders,
        (Some("method"), 2) => IdentRoot::RequestMethod,
        (Some("context"), 2) => IdentRoot::RequestContext,
        _ => IdentRoot::Unknown,
    }
}

fn collection_root(parts: &[String]) -> IdentRoot {
    let Some(target) = parts.get(1).filter(|_| parts.len() >= 3) else {
        return IdentRoot::Unknown;
    };
    let (name, alias) = match target.split_once(':') {
        Some((name, alias)) => (name, Some(alias)),
        None => (target.as_str(), None),
    };
    if name.is_empty() || alias.is_some_and(str::is_empty) {
        return IdentRoot::Unknown;
    }
    IdentRoot::Collection { name: name.to_owned(), alias: alias.map(str::to_owned) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|part| (*part).to_owned()).collect()
    }

    #[test]
    fn identifiers_split_into_root_parts_and_modifier() {
        let collection = |name: &str, alias: Option<&str>| IdentRoot::Collection {
            name: name.to_owned(),
            alias: alias.map(str::to_owned),
        };
        let cases: Vec<(&str, IdentRoot, Vec<&str>, Option<Modifier>)> = vec![
            ("title", IdentRoot::Field, vec!["title"], None),
            ("_id", IdentRoot::Field, vec!["_id"], None),
            ("author.name", IdentRoot::Field, vec!["author", "name"], None),
            ("title:lower", IdentRoot::Field, vec!["title"], Some(Modifier::Lower)),
            ("tags:length", IdentRoot::Field, vec!["tags"], Some(Modifier::Length)),
            ("labels:each", IdentRoot::Field, vec!["labels"], Some(Modifier::Each)),
            ("meta.arr.0", IdentRoot::Field, vec!["meta", "arr", "0"], None),
            ("a..b", IdentRoot::Field, vec!["a", "", "b"], None),
            ("a:x.b", IdentRoot::Field, vec!["a:x", "b"], None),
            ("a:b:c", IdentRoot::Field, vec!["a"], Some(Modifier::Unknown("b:c".to_owned()))),
            ("x:upper", IdentRoot::Field, vec!["x"], Some(Modifier::Unknown("upper".to_owned()))),
            (
                "comments_via_post.user.name",
                IdentRoot::Field,
                vec!["comments_via_post", "user", "name"],
                None,
            ),
            ("@request.auth.id", IdentRoot::RequestAuth, vec!["id"], None),
            ("@request.auth.team.name", IdentRoot::RequestAuth, vec!["team", "name"], None),
            ("@request.body.n:isset", IdentRoot::RequestBody, vec!["n"], Some(Modifier::IsSet)),
            (
                "@request.body.owner:changed",
                IdentRoot::RequestBody,
                vec!["owner"],
                Some(Modifier::Changed),
            ),
            ("@request.body.meta.a.0", IdentRoot::RequestBody, vec!["meta", "a", "0"], None),
            ("@request.query.secret", IdentRoot::RequestQuery, vec!["secret"], None),
            ("@request.headers.x_key", IdentRoot::RequestHeaders, vec!["x_key"], None),
            ("@request.method", IdentRoot::RequestMethod, vec![], None),
            ("@request.method:lower", IdentRoot::RequestMethod, vec![], Some(Modifier::Lower)),
            ("@request.context", IdentRoot::RequestContext, vec![], None),
            ("@request.auth", IdentRoot::Unknown, vec!["@request", "auth"], None),
            ("@request.method.x", IdentRoot::Unknown, vec!["@request", "method", "x"], None),
            ("@request.other.x", IdentRoot::Unknown, vec!["@request", "other", "x"], None),
            ("@request", IdentRoot::Unknown, vec!["@request"], None),
            ("@collection.tags.name", collection("tags", None), vec!["name"], None),
            ("@collection.tags:t.name", collection("tags", Some("t")), vec!["name"], None),
            (
                "@collection.users:u.team.name:lower",
                collection("users", Some("u")),
                vec!["team", "name"],
                Some(Modifier::Lower),
            ),
            ("@collection.tags", IdentRoot::Unknown, vec!["@collection", "tags"], None),
            (
                "@collection.tags:t",
                IdentRoot::Unknown,
                vec!["@collection", "tags"],
                Some(Modifier::Unknown("t".to_owned())),
            ),
            ("@collection.:t.x", IdentRoot::Unknown, vec!["@collection", ":t", "x"], None),
            ("@now", IdentRoot::Macro(Macro::Now), vec![], None),
            ("@todayStart", IdentRoot::Macro(Macro::TodayStart), vec![], None),
            ("@weekday", IdentRoot::Macro(Macro::Weekday), vec![], None),
            ("@NOW", IdentRoot::Unknown, vec!["@NOW"], None),
            ("@now.x", IdentRoot::Unknown, vec!["@now", "x"], None),
            ("@now:lower", IdentRoot::Unknown, vec!["@now"], Some(Modifier::Lower)),
            ("@rowid", IdentRoot::RowId, vec![], None),
            ("@random", IdentRoot::Random, vec![], None),
            ("@foo", IdentRoot::Unknown, vec!["@foo"], None),
            ("#tag.x", IdentRoot::Unknown, vec!["#tag", "x"], None),
        ];
        for (raw, root, parts, modifier) in cases {
            let path = IdentPath::parse(raw);
            assert_eq!(path.root, root, "{raw}");
            assert_eq!(path.parts, owned(&parts), "{raw}");
            assert_eq!(path.modifier, modifier, "{raw}");
        }
    }

    #[test]
    fn every_macro_round_trips_through_its_name() {
        for m in Macro::ALL {
            assert_eq!(Macro::from_name(m.name()), Some(m));
            assert_eq!(IdentPath::parse(m.name()).root, IdentRoot::Macro(m));
        }
        assert_eq!(Macro::from_name("@todaystart"), None);
        assert_eq!(Macro::from_name("now"), None);
    }

    #[test]
    fn every_modifier_parses() {
        let cases = [
            ("isset", Modifier::IsSet),
            ("changed", Modifier::Changed),
            ("length", Modifier::Length),
            ("each", Modifier::Each),
            ("lower", Modifier::Lower),
            ("LOWER", Modifier::Unknown("LOWER".to_owned())),
            ("excerpt", Modifier::Unknown("excerpt".to_owned())),
        ];
        for (text, expected) in cases {
            assert_eq!(Modifier::parse(text), expected, "{text}");
        }
    }
}
