//! Spec §4: `@request.*` identifiers (auth from the context or joined, body values and their
//! modifiers, query, headers, method, context) evaluated against the posts fixture. A rule
//! that does not depend on the row selects all seven posts or none.

use serde_json::{Map, Value, json};

use super::fixture::*;
use crate::query::sql::{Access, RequestContext, RequestKind, normalize_body};

fn all_or_none(fx: &Fixture, request: &RequestContext, cases: &[(&str, bool)]) {
    for (filter, expected) in cases {
        let ids = fx
            .run("posts", filter, request, Access::RULE)
            .unwrap_or_else(|e| panic!("{filter}: {e}"));
        let expected_len = if *expected { 7 } else { 0 };
        assert_eq!(ids.len(), expected_len, "{filter}");
    }
}

fn body(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[test]
fn method_context_query_and_headers_are_static_values() {
    let fx = fixture();
    let request = RequestContext::new("GET")
        .with_context(RequestKind::Batch)
        .with_query([("page", "2"), ("name", "AB"), ("empty", "")])
        .with_headers([("X-Token", "abc"), ("X-Token", "ignored")]);
    all_or_none(
        &fx,
        &request,
        &[
            ("@request.method = 'GET'", true),
            ("@request.method:lower = 'get'", true),
            ("@request.context = 'batch'", true),
            ("@request.context != 'batch'", false),
            ("@request.query.page = '2'", true),
            ("@request.query.page = 2", false),
            ("@request.query.name:lower = 'ab'", true),
            ("@request.query.missing = ''", true),
            ("@request.query.missing = null", true),
            ("@request.query.page:isset = true", true),
            ("@request.query.empty:isset = true", true),
            ("@request.query.missing:isset = false", true),
            ("@request.query.page.x = null", true),
            ("@request.headers.x_token = 'abc'", true),
            ("@request.headers.x_token:isset = true", true),
            ("@request.headers.X_Token = 'abc'", false),
            ("@request.query.page ~ '2'", true),
        ],
    );
    let error =
        fx.run("posts", "@request.query.page:each = 1", &request, Access::RULE).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"invalid left operand "@request.query.page:each" - invalid modifier sequence page:each"#
    );
}

#[test]
fn auth_fields_come_from_the_context_or_a_join() {
    let fx = fixture();
    let alice = fx.request(Some(("users", ALICE)));
    all_or_none(
        &fx,
        &alice,
        &[
            ("@request.auth.id = 'hyai5ba5tbbo7hn'", true),
            ("@request.auth.id != ''", true),
            ("@request.auth.collectionName = 'users'", true),
            ("@request.auth.collectionId = '_pb_users_auth_'", true),
            // Read from the record even though alice hides her email.
            ("@request.auth.email = 'alice@example.com'", true),
            ("@request.auth.verified = true", true),
            ("@request.auth.emailVisibility = false", true),
            // Joined from the database: other fields, hidden ones, relations.
            ("@request.auth.name = 'Alice'", true),
            ("@request.auth.name:lower = 'alice'", true),
            ("@request.auth.tokenKey = 'k1'", true),
            ("@request.auth.comments_via_user.message ?= 'Thanks'", true),
            ("@request.auth.comments_via_user.message = 'Thanks'", true),
            ("@request.auth.profiles_via_user.bio = 'hi'", true),
            ("@request.auth.id:isset = true", false),
        ],
    );
    let bob = fx.request(Some(("users", BOB)));
    assert_eq!(
        fx.run("posts", "author = @request.auth.id", &bob, Access::RULE).unwrap(),
        owned(&[POST1, POST2, POST3, POST4])
    );
    assert_eq!(
        fx.run("posts", "author.name = @request.auth.name", &bob, Access::RULE).unwrap(),
        owned(&[POST1, POST2, POST3, POST4])
    );
    assert_eq!(
        fx.run("posts", "@request.auth.comments_via_user.post ?= id", &bob, Access::RULE).unwrap(),
        owned(&[HELLO, POST1])
    );

    // Guests: every @request.auth.* is NULL (captured: `= ""` is true, `!= ""` false).
    let guest = fx.request(None);
    all_or_none(
        &fx,
        &guest,
        &[
            ("@request.auth.id = ''", true),
            ("@request.auth.id != ''", false),
            ("@request.auth.name = null", true),
            ("@request.auth.anything.at.all = null", true),
        ],
    );
    let root = fx.request(Some(("_superusers", ROOT)));
    all_or_none(&fx, &root, &[("@request.auth.collectionName = '_superusers'", true)]);
}

#[test]
fn body_values_resolve_statically_and_follow_relations() {
    let fx = fixture();
    let request = RequestContext::new("POST").with_body(body(json!({
        "title": "x", "views": "6", "tags": [GO, JS], "labels": ["a", "b"], "status": "",
        "meta": {"a": [1, {"b": "c"}]}, "author": BOB, "location": {"lon": 1, "lat": 2.5},
        "published": true, "other": [1, 2], "nested": {"k": "v"}, "nothing": null
    })));
    all_or_none(
        &fx,
        &request,
        &[
            ("@request.body.title = 'x'", true),
            // A numeric string on a number field is cast (multipart).
            ("@request.body.views = 6", true),
            ("@request.body.views > 5", true),
            ("@request.body.published = true", true),
            ("@request.body.tags:length = 2", true),
            ("@request.body.labels:length = 2", true),
            ("@request.body.labels:each ?= 'a'", true),
            ("@request.body.labels:each = 'a'", false),
            ("@request.body.labels:each != 'c'", true),
            ("@request.body.meta.a.1.b = 'c'", true),
            ("@request.body.meta.a.0 = 1", true),
            ("@request.body.meta = '{\"a\":[1,{\"b\":\"c\"}]}'", true),
            ("@request.body.location = '{\"lon\":1,\"lat\":2.5}'", true),
            ("@request.body.location.lat = 2.5", true),
            ("@request.body.labels = '[\"a\",\"b\"]'", true),
            ("@request.body.other = '[1,2]'", true),
            ("@request.body.nested.k = 'v'", true),
            ("@request.body.author.name = 'Bob'", true),
            ("@request.body.tags.name ?= 'js'", true),
            ("@request.body.tags.name = 'js'", false),
            ("@request.body.tags.color != 'green'", true),
            ("@request.body.missing = null", true),
            ("@request.body.missing:isset = false", true),
            ("@request.body.status:isset = true", true),
            ("@request.body.nothing:isset = true", true),
            ("@request.body.nothing = null", true),
            ("@request.body.status = ''", true),
            ("@request.body.title:lower = 'x'", true),
            ("@request.body.title:changed = true", true),
            ("@request.body.views:changed = true", true),
            ("@request.body.secret:changed = false", true),
        ],
    );
    let expect_error = |filter: &str, message: &str| {
        let error = fx.run("posts", filter, &request, Access::RULE).unwrap_err();
        assert_eq!(error.to_string(), message, "{filter}");
    };
    expect_error(
        "@request.body.title:each = 1",
        r#"invalid left operand "@request.body.title:each" - field "title" doesn't support multivalue operations"#,
    );
    expect_error(
        "@request.body.views:length = 1",
        r#"invalid left operand "@request.body.views:length" - field "views" doesn't support multivalue operations"#,
    );
    expect_error(
        "@request.body.other:each = 1",
        r#"invalid left operand "@request.body.other:each" - invalid modifier sequence other:each"#,
    );
    expect_error(
        "@request.body.title:nope = 1",
        r#"invalid left operand "@request.body.title:nope" - unknown modifier in "title:nope""#,
    );

    // `:changed` compares with the stored value.
    let same = RequestContext::new("PATCH").with_body(body(json!({"title": "Zero"})));
    assert_eq!(
        fx.run("posts", "@request.body.title:changed = false", &same, Access::RULE).unwrap(),
        owned(&[ZERO])
    );
}

#[test]
fn body_values_are_normalised_by_the_target_field_type() {
    let fx = fixture();
    let notes = fx.collection("notes");
    // Captured: `"n":""` on a number field → 0; a missing key is NULL.
    let empty_n =
        RequestContext::new("POST").with_body(normalize_body(notes, body(json!({"n": ""}))));
    let ids = fx.run("notes", "@request.body.n = 0", &empty_n, Access::RULE).unwrap();
    assert_eq!(ids, owned(&[NOTE]));
    let no_n = RequestContext::new("POST");
    assert_eq!(fx.run("notes", "@request.body.n = 0", &no_n, Access::RULE).unwrap(), owned(&[]));
    let tags = RequestContext::new("POST")
        .with_body(normalize_body(notes, body(json!({"tags": "x", "owner": [ALICE, BOB]}))));
    let ids = fx
        .run(
            "notes",
            "@request.body.tags:length = 1 && @request.body.owner = 'ks6sva5n5db33kp'",
            &tags,
            Access::RULE,
        )
        .unwrap();
    assert_eq!(ids, owned(&[NOTE]));
}
