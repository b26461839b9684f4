//! The captured filter results of spec §5 ("all" vs "any" on multi-valued operands,
//! `@collection`) and §6 (access checks inside client filters), on the posts fixture.

use super::fixture::*;
use crate::query::filter::parse_filter;
use crate::query::sql::{Access, QueryBuilder, QueryError, ResolveError};

#[test]
fn multi_relations_need_every_value_unless_any_operator() {
    let fx = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("tags.name ?= 'go'", &[HELLO, POST3, POST4]),
        // Every tag is rust: excludes [go, js, rust] and posts without tags (captured).
        ("tags.name = 'rust'", &[POST1]),
        // No tag named rust, posts without tags included (captured).
        ("tags.name != 'rust'", &[POST2, POST3, ZERO, QUOTE]),
        // At least one tag not named rust, posts without tags included (captured).
        ("tags.name ?!= 'rust'", &[HELLO, POST2, POST3, POST4, ZERO, QUOTE]),
        ("tags.name ~ 's'", &[POST1]),
        ("tags.name ?~ 'us'", &[HELLO, POST1, POST4]),
        // NOT LIKE on a missing value is NULL: posts without tags do not match.
        ("tags.name !~ 'o'", &[POST1]),
        ("tags.color = 'red'", &[POST1]),
        // Both conditions read the same joined row (one shared join).
        ("tags.color ?= 'blue' && tags.color ?= 'red'", &[]),
        ("tags.name = ''", &[POST2, ZERO, QUOTE]),
        ("tags:length = 3", &[HELLO]),
        ("tags:length = 0", &[POST2, ZERO, QUOTE]),
        ("tags:length > 1", &[HELLO, POST4]),
        ("labels:length = 2", &[HELLO, POST4]),
        ("labels:each = 'c'", &[POST1, POST2]),
        ("labels:each ?= 'a'", &[HELLO, POST4]),
        ("labels:each != 'a'", &[POST1, POST2, POST3, ZERO, QUOTE]),
        // The raw column of a multiple field is its JSON text (captured trap).
        ("labels ?= 'c'", &[]),
        ("tags ?= 'ui6p2x9ohwbpgv0'", &[]),
        ("tags.id ?= 'ui6p2x9ohwbpgv0'", &[HELLO, POST1, POST4]),
        ("tags:each ?= 'ui6p2x9ohwbpgv0'", &[HELLO, POST1, POST4]),
        ("labels ~ 'c'", &[POST1, POST2]),
        // Two multi-valued sides: every pair must match.
        ("tags.name = tags.name", &[POST1, POST2, POST3, ZERO, QUOTE]),
        ("tags.name ?= tags.name", &[HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE]),
    ];
    for (filter, expected) in cases {
        assert_eq!(fx.ids_of("posts", filter), owned(expected), "{filter}");
    }
}

#[test]
fn back_relations_and_collection_joins_are_multi_valued() {
    let fx = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("comments_via_post.user.name ?= 'Bob'", &[HELLO, POST1]),
        ("comments_via_post.user.name = 'Bob'", &[POST1]),
        ("comments_via_post.message ?= 'Thanks'", &[HELLO]),
        ("comments_via_post.message != 'x'", &[HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE]),
        ("comments_via_post.id != ''", &[HELLO, POST1]),
        // Captured.
        // Captured; without an alias both references share one joined row.
        ("@collection.tags.name ?= 'go' && tags.id ?= @collection.tags.id", &[HELLO, POST3, POST4]),
        ("@collection.tags:t.name = 'go'", &[]),
        (
            "@collection.tags:t.name ?= 'go' && @collection.tags:u.name ?= 'js'",
            &[HELLO, POST1, POST2, POST3, POST4, ZERO, QUOTE],
        ),
        ("@collection.tags.name ?= 'nope'", &[]),
        ("@collection.comments.post ?= id && @collection.comments.user ?= author", &[HELLO, POST1]),
        ("@collection.pbc_1219621782.name ?= 'go' && views = 0", &[ZERO]),
    ];
    for (filter, expected) in cases {
        assert_eq!(fx.ids_of("posts", filter), owned(expected), "{filter}");
    }
    // Mid-path back-relation and a back-relation through a unique index (single-valued).
    assert_eq!(
        fx.ids_of("users", "comments_via_user.post.title ?= 'Post 1 by bob'"),
        owned(&[BOB])
    );
    assert_eq!(fx.ids_of("users", "profiles_via_user.bio = 'hi'"), owned(&[ALICE]));
    assert_eq!(fx.ids_of("tags", "posts_via_tags.title ?= 'Post 3 by bob'"), owned(&[GO]));
    assert_eq!(fx.ids_of("tags", "posts_via_tags.author = 'ks6sva5n5db33kp'"), owned(&[]));
    assert_eq!(fx.ids_of("tags", "posts_via_tags.views > 6"), owned(&[GO, JS, RUST]));
    assert_eq!(fx.ids_of("tags", "posts_via_tags.views > 7"), owned(&[GO, JS]));
}

fn list(fx: &Fixture, auth: Option<&str>, filter: &str) -> Result<Vec<String>, QueryError> {
    let request = fx.request(auth.map(|id| ("users", id)));
    let posts = fx.collection("posts");
    let mut builder = QueryBuilder::new(posts, &fx.all, &request, now());
    builder.and_rule(posts.list_rule.as_deref().unwrap_or_default())?;
    builder.and_filter(&parse_filter(filter)?, Access::client(request.is_superuser()))?;
    let mut ids = fx.ids(&builder.finish()?);
    ids.sort();
    Ok(ids)
}

#[test]
fn client_filters_enforce_the_list_rule_of_joined_collections() {
    let fx = fixture();
    // Captured: users.listRule = `id = @request.auth.id`.
    assert_eq!(list(&fx, None, "author.name = 'Bob'").unwrap(), owned(&[]));
    assert_eq!(
        list(&fx, Some(BOB), "author.name = 'Bob'").unwrap(),
        owned(&[POST1, POST2, POST3, POST4])
    );
    assert_eq!(list(&fx, Some(ALICE), "author.name = 'Bob'").unwrap(), owned(&[]));
    // Rows without a joined record still pass the joined rule.
    assert_eq!(list(&fx, None, "author.name = '' && views < 6").unwrap(), owned(&[QUOTE]));
    assert_eq!(list(&fx, Some(ALICE), "author.name != 'x'").unwrap(), owned(&[HELLO, ZERO, QUOTE]));
    // Superusers bypass it.
    let request = fx.request(Some(("_superusers", ROOT)));
    let superuser = fx.run("posts", "author.name = 'Bob'", &request, Access::client(true)).unwrap();
    assert_eq!(superuser, owned(&[POST1, POST2, POST3, POST4]));
    // `""` list rules do not restrict; tags are public.
    assert_eq!(list(&fx, None, "tags.name ?= 'js'").unwrap(), owned(&[HELLO]));
}

#[test]
fn client_filters_cannot_read_hidden_fields_or_superuser_only_collections() {
    let fx = fixture();
    let guest = fx.request(None);
    let hidden = fx.run("posts", "secret = 's3'", &guest, Access::CLIENT).unwrap_err();
    assert!(matches!(hidden, QueryError::Operand { reason: ResolveError::NonFilterable(_), .. }));
    assert_eq!(fx.run("posts", "secret = 's3'", &guest, Access::RULE).unwrap(), owned(&[POST2]));
    let hidden_path =
        fx.run("users", "comments_via_user.post.secret = 's1'", &guest, Access::CLIENT);
    assert!(hidden_path.is_err());
    // profiles.listRule is null: only superusers may traverse into it.
    let closed =
        fx.run("users", "profiles_via_user.bio = 'hi'", &guest, Access::CLIENT).unwrap_err();
    assert!(matches!(closed, QueryError::Operand { reason: ResolveError::SuperusersOnly(_), .. }));
    assert!(fx.run("posts", "@collection.profiles.bio = 'hi'", &guest, Access::CLIENT).is_err());
    // Password and token key are hidden too.
    assert!(fx.run("users", "tokenKey = 'k1'", &guest, Access::CLIENT).is_err());
}

#[test]
fn auth_email_only_matches_visible_emails_in_client_filters() {
    let fx = fixture();
    let guest = fx.request(None);
    assert_eq!(
        fx.run("users", "email = 'alice@example.com'", &guest, Access::CLIENT).unwrap(),
        owned(&[])
    );
    assert_eq!(
        fx.run("users", "email = 'bob@example.com'", &guest, Access::CLIENT).unwrap(),
        owned(&[BOB])
    );
    assert_eq!(
        fx.run("users", "email ~ 'example'", &guest, Access::CLIENT).unwrap(),
        owned(&[BOB])
    );
    assert_eq!(
        fx.run("users", "email:lower ~ 'EXAMPLE'", &guest, Access::CLIENT).unwrap(),
        owned(&[BOB])
    );
    assert_eq!(
        fx.run("users", "email ~ 'example'", &guest, Access::RULE).unwrap(),
        owned(&[ALICE, BOB])
    );
}

#[test]
fn joined_list_rules_compile_with_their_own_joins() {
    for (rule, expected) in [("user.name = 'Alice'", vec![ALICE]), ("user.name = 'Bob'", vec![])] {
        let fx = fixture_with(|collections| {
            let profiles = collections.iter_mut().find(|c| c.name == "profiles").unwrap();
            profiles.list_rule = Some(rule.to_owned());
        });
        let guest = fx.request(None);
        let ids = fx.run("users", "profiles_via_user.bio = 'hi'", &guest, Access::CLIENT).unwrap();
        assert_eq!(ids, owned(&expected), "{rule}");
    }
    // Posts joined from users through a back-relation: the posts list rule applies to them.
    let fx = fixture();
    let filter = "posts_via_author.title ?= 'Post 3 by bob'";
    assert_eq!(fx.run("users", filter, &fx.request(None), Access::CLIENT).unwrap(), owned(&[]));
    let bob = fx.request(Some(("users", BOB)));
    assert_eq!(fx.run("users", filter, &bob, Access::CLIENT).unwrap(), owned(&[BOB]));
}

#[test]
fn one_shot_helpers_compile_a_filter_or_a_sort() {
    use crate::query::filter::parse_sort;
    use crate::query::sql::{CompileOptions, compile_filter, compile_sort};
    let fx = fixture();
    let request = fx.request(None);
    let options = CompileOptions { access: Access::CLIENT, now: now() };
    let list = parse_filter("tags.name ?= 'go' && views > 20").unwrap();
    let compiled =
        compile_filter(fx.collection("posts"), &fx.all, &list, &request, &options).unwrap();
    let mut ids = fx.ids(&compiled);
    ids.sort();
    assert_eq!(ids, owned(&[POST3, POST4]));
    assert!(compiled.distinct);
    let items = parse_sort("-views").unwrap();
    let compiled =
        compile_sort(fx.collection("posts"), &fx.all, &items, &request, &options).unwrap();
    assert!(compiled.condition.is_empty() && compiled.order_by == ["`posts`.`views` DESC"]);
    assert_eq!(fx.ids(&compiled).first().map(String::as_str), Some(POST4));
}
