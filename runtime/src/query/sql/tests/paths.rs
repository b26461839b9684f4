//! Spec §4: relation paths (up to six hops, `rel.id` without a join), back-relations (also
//! mid-path), JSON and geoPoint paths, `:each`/`:length`/`:lower`, and resolution errors.

use super::fixture::*;
use crate::query::filter::parse_filter;
use crate::query::sql::{Access, QueryBuilder};

fn chain(names: &[&str]) -> Vec<String> {
    owned(
        &names
            .iter()
            .map(|n| format!("chain{n}00000000"))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
}

#[test]
fn relation_paths_join_up_to_six_levels() {
    let fx = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("next.name = 'c1'", &["c0"]),
        ("next.next.next.next.next.next.name = 'c6'", &["c0"]),
        ("next.next.next.next.next.next.id = 'chainc700000000'", &["c1"]),
        ("next.id = 'chainc100000000'", &["c0"]),
        ("next = 'chainc100000000'", &["c0"]),
        ("next.name = ''", &["c7"]),
        ("many.name ?= 'c3'", &["c1", "c2"]),
        ("many.many.name ?= 'c4'", &["c0", "c1", "c2"]),
        ("many.name = 'c7'", &["c6"]),
        ("many.next.name ?= 'c7'", &["c4", "c5"]),
        ("many:length = 2", &["c0", "c1", "c2", "c3", "c4", "c5"]),
        ("chain_via_next.name = 'c0'", &["c1"]),
        ("next.chain_via_next.name = 'c0'", &["c0"]),
        ("chain_via_many.name ?= 'c0'", &["c1", "c2"]),
        ("chain_via_many.name = 'c0'", &["c1"]),
        ("@collection.chain.name ?= 'c7' && name = 'c0'", &["c0"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(fx.ids_of("chain", filter), chain(expected), "{filter}");
    }
    let request = fx.request(None);
    let too_deep =
        fx.run("chain", "next.next.next.next.next.next.next.name = 'c7'", &request, Access::RULE);
    assert_eq!(
        too_deep.unwrap_err().to_string(),
        "invalid left operand \"next.next.next.next.next.next.next.name\" - max nested relations reached for field \"next\""
    );
}

#[test]
fn json_geo_point_and_modifier_paths() {
    let fx = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("location.lon > 23", &[POST1]),
        ("location.lat < 1", &[HELLO, POST2, POST3, POST4, ZERO, QUOTE]),
        ("author.name:lower = 'bob'", &[POST1, POST2, POST3, POST4]),
        ("title:lower ~ 'HELLO'", &[HELLO]),
        ("status:each = 'live'", &[HELLO]),
        ("status:length = 1", &[HELLO, ZERO]),
        ("labels:lower ~ 'A'", &[HELLO, POST4]),
        ("tags.name:lower ?= 'GO'", &[]),
        ("tags.name:lower ?= 'go'", &[HELLO, POST3, POST4]),
        ("author.id = 'ks6sva5n5db33kp'", &[POST1, POST2, POST3, POST4]),
        ("comments_via_post.post.author.name ?= 'Alice'", &[HELLO]),
        ("tags.name:length = 2", &[]),
    ];
    for (filter, expected) in cases {
        assert_eq!(fx.ids_of("posts", filter), owned(expected), "{filter}");
    }
}

#[test]
fn unresolvable_paths_name_the_failing_part() {
    let fx = fixture();
    let request = fx.request(None);
    let cases = [
        ("author.nope = 1", r#"invalid left operand "author.nope" - unknown field "nope""#),
        (
            "title.x = 1",
            r#"invalid left operand "title.x" - field "title" is not a valid relation"#,
        ),
        (
            "nope_via_x.y = 1",
            r#"invalid left operand "nope_via_x.y" - failed to load back relation field "nope_via_x" collection"#,
        ),
        (
            "comments_via_nope.x = 1",
            r#"invalid left operand "comments_via_nope.x" - missing back relation field "nope""#,
        ),
        (
            "comments_via_message.x = 1",
            r#"invalid left operand "comments_via_message.x" - invalid back relation field "message""#,
        ),
        (
            "users_via_name.x = 1",
            r#"invalid left operand "users_via_name.x" - invalid back relation field "name""#,
        ),
        ("1 = nope.x", r#"invalid right operand "nope.x" - failed to resolve field "nope""#),
        (
            "title:nope = 1",
            r#"invalid left operand "title:nope" - unknown modifier in "title:nope""#,
        ),
        ("title:a:b = 1", r#"invalid left operand "title:a:b" - unknown field "title:a:b""#),
        (
            "labels:each:lower = 1",
            r#"invalid left operand "labels:each:lower" - unknown field "labels:each:lower""#,
        ),
        (
            "@collection.nope.id = 1",
            r#"invalid left operand "@collection.nope.id" - failed to load collection "nope" from field path "@collection.nope.id""#,
        ),
        ("@rowid > 0", r#"invalid left operand "@rowid" - failed to resolve field "@rowid""#),
    ];
    for (filter, message) in cases {
        let error = fx.run("posts", filter, &request, Access::RULE).unwrap_err();
        assert_eq!(error.to_string(), message, "{filter}");
    }
    // A back-relation whose field points at another collection.
    let error = fx.run("tags", "posts_via_author.title = 1", &request, Access::RULE).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"invalid left operand "posts_via_author.title" - invalid collection reference of a back relation field "author""#
    );
    // `@request.*` paths answer NULL instead.
    let alice = fx.request(Some(("users", ALICE)));
    for filter in [
        "@request.auth.nope = null",
        "@request.auth.author.x = null",
        "@request.auth.nope_via_x.y = null",
    ] {
        assert_eq!(fx.run("posts", filter, &alice, Access::RULE).unwrap().len(), 7, "{filter}");
    }
}

#[test]
fn a_collection_not_yet_saved_resolves_against_itself() {
    let fx = fixture();
    let mut draft = crate::model::Collection::new(crate::model::CollectionType::Base, "drafts");
    draft.id = "pbc_drafts0001".to_owned();
    draft.fields = vec![text("title"), relation("parent", "pbc_drafts0001", 1)];
    let request = fx.request(None);
    let mut builder = QueryBuilder::new(&draft, &fx.all, &request, now());
    let list = parse_filter("parent.parent.title = 'x' && drafts_via_parent.title ?= 'y'").unwrap();
    builder.and_filter(&list, Access::RULE).unwrap();
    let compiled = builder.finish().unwrap();
    assert!(
        compiled.joins.iter().all(|join| join.starts_with("LEFT JOIN `drafts`")),
        "{compiled:?}"
    );
}
