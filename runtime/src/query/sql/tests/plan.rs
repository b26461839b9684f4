//! SQL shapes that matter for speed: plain comparisons stay index-friendly (checked with
//! EXPLAIN QUERY PLAN), single relations join by primary key, any join makes the select
//! DISTINCT as in PocketBase, `rel.id` needs no join, values are always bound and the SQL text
//! is stable across values.

use super::fixture::*;
use crate::query::filter::parse_filter;
use crate::query::sql::{Access, Compiled, QueryBuilder};

fn compile(fx: &Fixture, collection: &str, filter: &str, access: Access) -> Compiled {
    let request = fx.request(None);
    let mut builder = QueryBuilder::new(fx.collection(collection), &fx.all, &request, now());
    builder.and_filter(&parse_filter(filter).unwrap(), access).unwrap();
    builder.finish().unwrap()
}

fn plan(fx: &Fixture, compiled: &Compiled) -> String {
    let sql = format!("EXPLAIN QUERY PLAN {}", compiled.select_sql());
    let mut stmt = fx.conn.prepare(&sql).unwrap();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(compiled.params.iter()), |row| {
            row.get::<_, String>(3)
        })
        .unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
}

#[test]
fn plain_comparisons_use_indexes() {
    let fx = fixture();
    let compiled = compile(&fx, "posts", "title = 'x'", Access::RULE);
    assert_eq!(compiled.condition, "`posts`.`title` = ?1");
    assert_eq!(compiled.params, vec![rusqlite::types::Value::Text("x".to_owned())]);
    assert!(compiled.joins.is_empty() && !compiled.distinct);
    assert!(
        plan(&fx, &compiled).contains("USING INDEX idx_posts_title (title=?)"),
        "{}",
        plan(&fx, &compiled)
    );

    let compiled = compile(&fx, "posts", "id = 'x' && views > 1", Access::RULE);
    assert_eq!(compiled.condition, "(`posts`.`id` = ?1 AND `posts`.`views` > ?2)");
    assert!(
        plan(&fx, &compiled).contains("USING INDEX sqlite_autoindex_posts_1 (id=?)"),
        "{}",
        plan(&fx, &compiled)
    );

    let compiled = compile(&fx, "posts", "title = ''", Access::RULE);
    assert_eq!(compiled.condition, "(`posts`.`title` = '' OR `posts`.`title` IS NULL)");

    let compiled = compile(&fx, "posts", "title != 'x'", Access::RULE);
    assert_eq!(compiled.condition, "`posts`.`title` IS NOT ?1");
    let compiled = compile(&fx, "posts", "title ~ 'x'", Access::RULE);
    assert_eq!(compiled.condition, "`posts`.`title` LIKE ?1 ESCAPE '\\'");
    assert_eq!(compiled.params, vec![rusqlite::types::Value::Text("%x%".to_owned())]);
}

#[test]
fn single_relations_join_by_primary_key_and_rel_id_needs_no_join() {
    let fx = fixture();
    let compiled = compile(&fx, "posts", "author.name = 'x'", Access::RULE);
    assert_eq!(
        compiled.joins,
        vec![
            "LEFT JOIN `users` `posts_author` ON `posts_author`.`id` = `posts`.`author`".to_owned()
        ]
    );
    assert!(compiled.distinct);
    assert!(
        plan(&fx, &compiled)
            .contains("SEARCH posts_author USING INDEX sqlite_autoindex_users_1 (id=?)")
    );

    for filter in ["author.id = 'x'", "author = 'x'"] {
        let compiled = compile(&fx, "posts", filter, Access::RULE);
        assert!(compiled.joins.is_empty(), "{filter}");
        assert_eq!(compiled.condition, "`posts`.`author` = ?1", "{filter}");
    }
    // Two conditions on one relation share the join.
    let compiled = compile(&fx, "posts", "author.name = 'x' || author.email = 'y'", Access::RULE);
    assert_eq!(compiled.joins.len(), 1);
    // A back-relation through a unique index is single-valued.
    let compiled = compile(&fx, "users", "profiles_via_user.bio = 'x'", Access::RULE);
    assert!(!compiled.condition.contains("EXISTS"), "{compiled:?}");
}

#[test]
fn any_join_selects_distinct_rows_in_id_order_like_pocketbase() {
    let fx = fixture();
    for filter in ["author.name != 'x'", "profiles_via_user.bio != 'x'"] {
        let collection = if filter.starts_with("author") { "posts" } else { "users" };
        assert!(compile(&fx, collection, filter, Access::RULE).distinct, "{filter}");
    }
    // `SELECT DISTINCT posts.*` walks the primary key index: without a sort the rows come
    // in id order, not insertion order (captured from PocketBase 0.40.6 on `nodes`).
    let compiled = compile(&fx, "posts", "author.name != 'x'", Access::RULE);
    let ids = fx.ids(&compiled);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let unjoined = fx.ids(&compile(&fx, "posts", "author != 'x'", Access::RULE));
    assert_ne!(unjoined, sorted, "insertion order differs from id order in the fixture");
}

#[test]
fn multi_valued_paths_deduplicate_and_check_every_value() {
    let fx = fixture();
    let compiled = compile(&fx, "posts", "tags.name ?= 'x'", Access::RULE);
    assert_eq!(compiled.joins.len(), 2);
    assert!(compiled.distinct && !compiled.condition.contains("EXISTS"));
    let compiled = compile(&fx, "posts", "tags.name = 'x'", Access::RULE);
    assert!(
        compiled.condition.contains("NOT EXISTS (SELECT 1 FROM (SELECT `__mm_posts_tags`.`name`"),
        "{}",
        compiled.condition
    );
    let compiled = compile(&fx, "posts", "comments_via_post.message = 'x'", Access::RULE);
    assert!(compiled.distinct && compiled.condition.contains("NOT EXISTS"));
    assert!(plan(&fx, &compiled).contains("idx_comments_post"), "{}", plan(&fx, &compiled));
    let compiled =
        compile(&fx, "posts", "geoDistance(location.lon, location.lat, 1, 2) < 1", Access::RULE);
    assert!(!compiled.distinct && compiled.joins.is_empty());
}

#[test]
fn client_filters_add_the_joined_list_rule() {
    let fx = fixture();
    let compiled = compile(&fx, "posts", "author.name = 'x'", Access::CLIENT);
    assert_eq!(
        compiled.condition,
        "(`posts_author`.`name` = ?1) AND (((`posts_author`.`id` = '' OR `posts_author`.`id` IS NULL) \
         OR ((`posts_author`.`id` = '' OR `posts_author`.`id` IS NULL))))"
    );
}

#[test]
fn values_are_bound_and_the_sql_text_is_stable() {
    let fx = fixture();
    let hostile = "x' OR 1=1; DROP TABLE posts; --";
    let filter = format!(
        "title = \"{hostile}\" || author.name ~ \"{hostile}\" || tags.name = \"{hostile}\""
    );
    let compiled = compile(&fx, "posts", &filter, Access::RULE);
    let sql = compiled.select_sql();
    assert!(!sql.contains("DROP") && !sql.contains("1=1"), "{sql}");
    assert!(fx.ids(&compiled).is_empty());
    let other =
        compile(&fx, "posts", "title = 'a' || author.name ~ 'b' || tags.name = 'c'", Access::RULE);
    assert_eq!(other.select_sql(), sql);
    assert_eq!(compiled.params.len(), other.params.len());
}
