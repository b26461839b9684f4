//! Spec §2 (operators, NULL/empty normalisation, LIKE wrapping) and §3 (literals, macros),
//! plus the two functions, on the `posts` fixture as a superuser.

use super::fixture::*;

fn check(cases: &[(&str, &[&str])]) {
    let fx = fixture();
    for (filter, expected) in cases {
        assert_eq!(fx.ids_of("posts", filter), owned(expected), "{filter}");
    }
}

const ALL: [&str; 7] = [HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE];

fn all_but(excluded: &[&str]) -> Vec<&'static str> {
    ALL.iter().copied().filter(|id| !excluded.contains(id)).collect()
}

#[test]
fn comparison_operators_follow_sqlite_semantics() {
    let not_hello = all_but(&[HELLO]);
    check(&[
        ("views = 10", &[HELLO]),
        ("views != 10", &not_hello),
        ("views > 14", &[POST3, POST4]),
        ("views >= 14", &[POST2, POST3, POST4]),
        ("views < 5", &[ZERO]),
        ("views <= 5", &[ZERO, QUOTE]),
        ("views > -1", &ALL),
        ("score = 1.5", &[HELLO]),
        ("score > 1", &[HELLO]),
        // SQLite affinity: a text value compared with a number column (captured).
        ("views = '14'", &[POST2]),
        ("10 = views", &[HELLO]),
        ("views = score", &[ZERO]),
    ]);
}

#[test]
fn any_operators_behave_like_plain_ones_on_single_values() {
    check(&[
        ("title ?= 'Zero'", &[ZERO]),
        ("title ?!= 'Zero'", &all_but(&[ZERO])),
        ("views ?> 14", &[POST3, POST4]),
        ("views ?>= 14", &[POST2, POST3, POST4]),
        ("views ?< 5", &[ZERO]),
        ("views ?<= 5", &[ZERO, QUOTE]),
        ("title ?~ 'bob'", &[POST1, POST2, POST3, POST4]),
        ("title ?!~ 'bob'", &[HELLO, ZERO, QUOTE]),
    ]);
}

#[test]
fn empty_text_and_null_are_equal() {
    let empty_status = [POST1, POST2, POST3, POST4, QUOTE];
    check(&[
        ("status = ''", &empty_status),
        ("status = null", &empty_status),
        ("status = NULL", &empty_status),
        ("'' = status", &empty_status),
        ("null = status", &empty_status),
        ("status != ''", &[HELLO, ZERO]),
        ("status != null", &[HELLO, ZERO]),
        // `!=` is built with IS NOT: rows with another (or no) value match.
        ("status != 'live'", &all_but(&[HELLO])),
        // Two columns compare through COALESCE.
        ("contact = status", &empty_status),
        ("contact != status", &[HELLO, ZERO]),
        ("null = ''", &ALL),
        ("'' != null", &[]),
        ("null = 'x'", &[]),
        ("null != 'x'", &ALL),
    ]);
}

#[test]
fn like_wraps_and_escapes_plain_values() {
    check(&[
        ("title ~ 'bob'", &[POST1, POST2, POST3, POST4]),
        ("title !~ 'bob'", &[HELLO, ZERO, QUOTE]),
        // Case-insensitive for ASCII (captured).
        ("title ~ 'HELLO'", &[HELLO]),
        // An unescaped % makes the value a raw pattern (captured).
        ("title ~ 'Post%bob'", &[POST1, POST2, POST3, POST4]),
        ("title ~ 'Post%'", &[POST1, POST2, POST3, POST4]),
        ("title ~ \"by%\"", &[]),
        // `_` of an auto-wrapped value is literal (captured).
        ("title ~ 'Post_'", &[]),
        ("website ~ '_off'", &[QUOTE]),
        ("website ~ '%_off'", &[QUOTE]),
        ("website ~ '50\\%'", &[QUOTE]),
        ("title ~ '\\\\slash'", &[QUOTE]),
        // A column on the right is wrapped in SQL.
        ("title ~ contact", &all_but(&[HELLO])),
        ("title !~ contact", &[HELLO]),
        // Numbers are matched as their Go text.
        ("title ~ 1", &[POST1]),
    ]);
}

#[test]
fn bool_literals_are_one_and_zero() {
    let published = [HELLO, POST1, POST2, QUOTE];
    check(&[
        ("published = true", &published),
        ("published = TRUE", &published),
        ("published = 1", &published),
        ("true = published", &published),
        // A string is not a boolean (captured).
        ("published = 'true'", &[]),
        ("published = false", &[POST3, POST4, ZERO]),
        ("published != true", &[POST3, POST4, ZERO]),
        ("published = 0", &[POST3, POST4, ZERO]),
    ]);
}

#[test]
fn joins_follow_sql_precedence_and_comments_are_ignored() {
    check(&[
        // Captured: AND binds tighter.
        ("published = false || title = 'Hello world' && views = 3", &[POST3, POST4, ZERO]),
        ("published = false || title = 'Hello world' && views = 10", &[HELLO, POST3, POST4, ZERO]),
        ("(views > 10 || title = 'Zero') && published = false", &[POST3, POST4, ZERO]),
        ("views > 10 // a comment", &[POST2, POST3, POST4]),
        ("(views > 10 // c\n) && (published = true)", &[POST2]),
        // JS SDK `pb.filter()` escaping (captured).
        ("title = \"back\\\\slash \\\"q\\\" it's\"", &[QUOTE]),
        ("title = 'back\\\\slash \"q\" it\\'s'", &[QUOTE]),
    ]);
}

#[test]
fn json_fields_compare_without_coalesce() {
    let not_post3 = all_but(&[POST3]);
    check(&[
        ("meta = null", &[POST3]),
        ("meta != null", &not_post3),
        ("meta.n > 2", &[POST1, POST2]),
        ("meta.n = 1", &[HELLO]),
        ("meta.arr.0 = 5", &[POST1]),
        ("meta.arr.1 = 2", &[HELLO]),
        ("meta.s = 'x'", &[HELLO]),
        ("meta.0 = 1", &[ZERO]),
        ("meta = 'text'", &[QUOTE]),
        ("meta.missing = null", &ALL),
        // Modifiers after a JSON path are part of the path (captured: matched nothing).
        ("meta.arr:length = 2", &[]),
        ("meta.arr:length = null", &ALL),
    ]);
}

#[test]
fn dates_compare_as_text_and_macros_use_the_given_now() {
    let today = all_but(&[POST2]);
    check(&[
        ("publishedAt = ''", &[POST1, POST2, POST4, ZERO, QUOTE]),
        ("publishedAt > '2026-03-01'", &[POST3]),
        ("created > @todayStart && created <= @now", &today),
        ("created < @todayStart", &[POST2]),
        ("created >= @yesterday && created < @tomorrow", &today),
        ("created <= @todayEnd && created >= @monthStart && created < @monthEnd", &ALL),
        ("created > @yearStart && created < @yearEnd", &ALL),
        ("@year = 2026 && @month = 11 && @day = 24 && @weekday = 2", &ALL),
        ("@hour = 12 && @minute = 0 && @second = 0", &ALL),
        ("@now = '2026-11-24 12:00:00.000Z'", &ALL),
    ]);
}

#[test]
fn functions_compile_to_sqlite_expressions() {
    check(&[
        ("strftime('%Y', created) = '2026'", &ALL),
        ("strftime('%m', publishedAt) = '06'", &[POST3]),
        // NULL results (empty dates) compare like empty text.
        ("strftime('%Y', publishedAt) = ''", &[POST1, POST2, POST4, ZERO, QUOTE]),
        ("strftime('%Y', publishedAt) != ''", &[HELLO, POST3]),
        ("strftime('%Y-%m-%d', created, '+1 day') = '2026-11-25'", &all_but(&[POST2])),
        ("strftime('%Y') = '2026' || strftime('%Y') != '2026'", &ALL),
        ("strftime('%s', 0, 'unixepoch') = '0'", &ALL),
        // Captured: a point at 23.32/42.69 is within 10 km of 23.3/42.7.
        ("geoDistance(location.lon, location.lat, 23.3, 42.7) < 10", &[POST1]),
        ("geoDistance(23.3, 42.7, location.lon, location.lat) > 10", &all_but(&[POST1])),
        ("geoDistance(0, 0, 0, 1) > 111 && geoDistance(0, 0, 0, 1) < 112", &ALL),
        ("geoDistance(null, 0, 0, 1) = null", &ALL),
    ]);
}

#[test]
fn rowid_and_unknown_identifiers_are_errors() {
    let fx = fixture();
    let request = fx.request(None);
    for filter in
        ["@rowid > 0", "@random = 1", "@foo = 1", "nofield = 1", "1 = nofield", "title:upper = 'x'"]
    {
        let result = fx.run("posts", filter, &request, crate::query::sql::Access::RULE);
        assert!(result.is_err(), "{filter}: {result:?}");
    }
}
