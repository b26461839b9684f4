//! Spec §7: sort items to ORDER BY (fields, relation and JSON paths, `@random`, `@rowid`) and
//! the items that are not plain columns.

use super::fixture::*;
use crate::query::filter::parse_sort;
use crate::query::sql::{Access, QueryBuilder, QueryError};

fn order(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

#[test]
fn fields_and_paths_sort_rows() {
    let fx = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("-views", &[POST4, POST3, POST2, HELLO, POST1, QUOTE, ZERO]),
        ("views", &[ZERO, QUOTE, POST1, HELLO, POST2, POST3, POST4]),
        ("+title", &[HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE]),
        ("title:lower", &[QUOTE, HELLO, POST1, POST2, POST3, POST4, ZERO]),
        ("author.name,-views", &[QUOTE, HELLO, ZERO, POST4, POST3, POST2, POST1]),
        ("author.id,views", &[QUOTE, ZERO, HELLO, POST1, POST2, POST3, POST4]),
        ("-meta.n,views", &[POST2, POST1, POST4, HELLO, ZERO, QUOTE, POST3]),
        ("@rowid", &[HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE]),
        ("-@rowid", &[QUOTE, ZERO, POST4, POST3, POST2, POST1, HELLO]),
        ("-secret,@rowid", &[POST2, HELLO, POST1, POST3, POST4, ZERO, QUOTE]),
    ];
    for (sort, expected) in cases {
        assert_eq!(fx.sorted("posts", sort, Access::RULE).unwrap(), order(expected), "{sort}");
    }
    // Sorting by a multi relation joins (deduplicated rows).
    let by_tag = fx.sorted("posts", "tags.name,@rowid", Access::RULE).unwrap();
    assert_eq!(by_tag.len(), 7);
    let mut random = fx.sorted("posts", "@random", Access::RULE).unwrap();
    random.sort();
    assert_eq!(random, owned(&[HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE]));
}

#[test]
fn sort_items_must_be_plain_columns() {
    let fx = fixture();
    let invalid = |sort: &str, access: Access| match fx.sorted("posts", sort, access) {
        Err(QueryError::InvalidSortField(name)) => name,
        other => panic!("{sort}: {other:?}"),
    };
    assert_eq!(invalid("nope", Access::RULE), "nope");
    assert_eq!(invalid("-author.nope", Access::RULE), "author.nope");
    assert_eq!(invalid("secret", Access::CLIENT), "secret");
    assert_eq!(invalid("@now", Access::RULE), "@now");
    assert_eq!(invalid("null", Access::RULE), "null");
    assert_eq!(invalid("@request.auth.id", Access::RULE), "@request.auth.id");
    assert_eq!(invalid("@request.query.x", Access::RULE), "@request.query.x");
    assert!(fx.sorted("posts", "@collection.profiles.bio", Access::CLIENT).is_err());
    assert!(fx.sorted("posts", "@collection.tags.name", Access::RULE).is_ok());

    // A logged-in requester's id is a bound value, not a column.
    let alice = fx.request(Some(("users", ALICE)));
    let mut builder = QueryBuilder::new(fx.collection("posts"), &fx.all, &alice, now());
    let items = parse_sort("@request.auth.id").unwrap();
    assert!(matches!(builder.order_by(&items, Access::RULE), Err(QueryError::InvalidSortField(_))));
    let mut builder = QueryBuilder::new(fx.collection("posts"), &fx.all, &alice, now());
    assert!(builder.order_by(&parse_sort("@request.auth.name").unwrap(), Access::RULE).is_ok());
}

#[test]
fn client_sorts_through_relations_apply_the_joined_list_rule() {
    let fx = fixture();
    // users.listRule = `id = @request.auth.id`: a guest sorting by author.name only keeps
    // rows without a visible author, as PocketBase does.
    assert_eq!(fx.sorted("posts", "author.name", Access::CLIENT).unwrap(), order(&[QUOTE]));
    assert_eq!(fx.sorted("posts", "tags.name", Access::CLIENT).unwrap().len(), 7);
}
