//! Differential scenarios: view collections (field inference from the query, query
//! validation, updates and re-saves after source changes, relations to views, deleting what a
//! view depends on, `POST /api/collections/meta/dry-run-view`).
//!
//! PocketBase randomises the ids of copied fields (`_clone_xxxx`, normalised by the runner) and
//! the name and id of a dry run's temporary collection (masked here).

use reqwest::Method;
use serde_json::{Value, json};
use wasmbase_tests::{Scenario, Step};

fn create(body: Value) -> Step {
    Step::post("/api/collections", body).as_superuser()
}

fn view(name: &str, query: &str) -> Step {
    create(json!({"name": name, "type": "view", "viewQuery": query})).label(name)
}

fn patch(name: &str, body: Value) -> Step {
    Step::new(Method::PATCH, &format!("/api/collections/{name}")).json(body).as_superuser()
}

fn get(path: &str) -> Step {
    Step::get(path).as_superuser()
}

fn record(collection: &str, body: Value) -> Step {
    Step::post(&format!("/api/collections/{collection}/records"), body).as_superuser().expect(200)
}

fn dry_run(query: &str) -> Step {
    let mut step = Step::post("/api/collections/meta/dry-run-view", json!({"query": query}))
        .as_superuser()
        .label(query);
    // The temporary collection's name (`temp_view_xxxxx`) and id are random.
    for i in 0..10 {
        step = step
            .mask(&format!("/sample/{i}/collectionId"))
            .mask(&format!("/sample/{i}/collectionName"));
    }
    step
}

/// A base collection with every field type, and three records.
fn source_steps() -> Vec<Step> {
    vec![
        create(json!({"name": "src", "listRule": "", "fields": [
            {"name": "title", "type": "text", "required": true, "min": 1, "max": 50},
            {"name": "body", "type": "editor"},
            {"name": "views", "type": "number", "onlyInt": true},
            {"name": "score", "type": "number", "min": 0},
            {"name": "published", "type": "bool"},
            {"name": "contact", "type": "email", "onlyDomains": ["example.com"]},
            {"name": "website", "type": "url"},
            {"name": "publishedAt", "type": "date"},
            {"name": "status", "type": "select", "values": ["draft", "live"], "maxSelect": 1},
            {"name": "labels", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
            {"name": "cover", "type": "file", "maxSelect": 1},
            {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "meta", "type": "json"},
            {"name": "location", "type": "geoPoint"},
            {"name": "secret", "type": "text", "hidden": true},
            {"name": "created", "type": "autodate", "onCreate": true},
            {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}]}))
        .expect(200),
        get("/api/collections/users/records?fields=id").save("alice", "/items/0/id").expect(200),
        record("src", json!({"id": "aaaaaaaaaaaaaa1", "title": "first", "views": 3, "score": 1.5,
            "published": true, "contact": "x@example.com", "status": "live", "labels": ["a", "c"],
            "author": "{{alice}}", "meta": {"k": [1, 2]}, "location": {"lon": 1, "lat": 2},
            "secret": "s1", "publishedAt": "2024-01-02 03:04:05.000Z"})),
        record("src", json!({"id": "aaaaaaaaaaaaaa2", "title": "second", "views": 5, "author": "{{alice}}"})),
        record("src", json!({"id": "aaaaaaaaaaaaaa3", "title": "third", "score": 2})),
    ]
}

fn with_source(name: &str) -> Scenario {
    Scenario::new(name)
        .user("alice", "alice@example.com", "alicepass1", json!({"name": "Alice"}))
        .steps(source_steps())
}

#[tokio::test(flavor = "multi_thread")]
async fn view_fields_are_inferred_like_pocketbase() {
    with_source("view fields")
        .steps([
            view("v_direct", "select id, title, body, views, score, published, contact, website, publishedAt, status, labels, cover, author, meta, location, secret, created, updated from src").expect(200),
            view("v_alias", "SELECT s.id, s.title AS heading, s.views n, s.author as owner, s.id as self, `s`.`score` as \"Score2\" FROM src s WHERE s.views > 0 ORDER BY s.title").expect(200),
            view("v_join", "select p.id, p.title, u.email, u.name, u.id as user, u.verified, emailVisibility from src p left join users u on u.id = p.author").expect(200),
            view("v_aggregate", "select p.title as id, count(*) as c, total(p.views) as t, sum(p.views) as s, max(p.views) as mx, min(p.title) mn from src p group by p.title").expect(200),
            view("v_casts", "select id, cast(views as integer) as i, cast(views as int) i2, cast(score as real) as r, cast(score as decimal) as dc, cast(score as numeric) as nm, cast(title as text) as t, cast(published as boolean) as b, cast(published as bool) as b2, cast(title as blob) as bl, (views*2) as doubled, coalesce(title, '') as c from src").expect(200),
            view("v_rownum", "select (ROW_NUMBER() OVER()) as id, title, views from src").expect(200),
            view("v_cte", "with x as (select id, title from src) select id, title from x").expect(200),
            view("v_sub", "select id, t from (select id, title as t from src)").expect(200),
            view("v_quoted", "select distinct \"id\", [title] as 'Heading', `views` /* a, b */ from src").expect(200),
            view("v_semicolon", "select id, title from src;").expect(200),
            get("/api/collections/v_rownum"),
            get("/api/collections?fields=name,type,fields.name,fields.type&perPage=100"),
            get("/api/collections/v_direct/records"),
            get("/api/collections/v_rownum/records"),
            get("/api/collections/v_aggregate/records"),
            get("/api/collections/v_join/records"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_view_queries_are_refused_like_pocketbase() {
    with_source("invalid views")
        .steps([
            view("bad", "").expect(400),
            view("bad", "   ").expect(400),
            view("bad", "select title from src").expect(400),
            view("bad", "select id, nope from src").expect(400),
            view("bad", "select id from nope").expect(400),
            view("bad", "select * from src").expect(400),
            view("bad", "select src.* from src").expect(400),
            view("bad", "select id from src; select id from src").expect(400),
            view("bad", "select id, title from src union select id, title from src").expect(400),
            view("bad", "select id, title || 'x' as t from src").expect(400),
            view("bad", "select id from src where (").expect(400),
            view("bad", "select id, id from src").expect(400),
            view("bad", "select id, title, title from src").expect(400),
            view("bad", "select id, title as expand from src").expect(400),
            view("bad", "select id, title as a_via_b from src").expect(400),
            view("bad", "select '' as id from src").expect(400),
            view("bad", "select 'same' as id from src").expect(400),
            view("bad", "select id, title from src -- no end").expect(400),
            create(json!({"name": "bad", "type": "view", "viewQuery": "select id from src", "indexes": ["CREATE INDEX i1 ON bad (id)"], "createRule": "", "updateRule": null, "deleteRule": ""})),
            create(json!({"name": "src", "type": "view", "viewQuery": "select id from src"})),
            create(json!({"name": "bad", "type": "view", "viewQuery": "select id, title from src", "listRule": "title != ''", "viewRule": "title = 'x'"})),
            view("empty_sample", "select id, title from src where 0").expect(200),
            create(json!({"name": "sent_fields", "type": "view", "viewQuery": "select id from src",
                "fields": [{"name": "x", "type": "text"}, {"name": "id", "type": "number"}]})),
            get("/api/collections?fields=name&sort=created"),
        ])
        .run()
        .await;
}

/// A small base collection `t` (fields `title`, `score`) with two records, and `t`'s field
/// list with changed options or names (a PATCH replaces the whole list).
fn small_source() -> Vec<Step> {
    vec![
        create(json!({"name": "t", "fields": [
            {"name": "title", "type": "text", "required": true},
            {"name": "score", "type": "number"}]}))
        .expect(200),
        record("t", json!({"id": "bbbbbbbbbbbbbb1", "title": "one", "score": 1})),
        record("t", json!({"id": "bbbbbbbbbbbbbb2", "title": "two", "score": 2.5})),
    ]
}

fn t_fields(title: &Value, score_name: &str) -> Value {
    json!({"fields": [title, {"id": "number848901969", "name": score_name, "type": "number"}]})
}

#[tokio::test(flavor = "multi_thread")]
async fn updating_views_and_their_sources_matches_pocketbase() {
    Scenario::new("view updates")
        .steps(small_source())
        .steps([
            view("v1", "select id, title, score from t").expect(200),
            view("v2", "select id, heading from (select id, title as heading from t)").expect(200),
            patch("v1", json!({"viewQuery": "select id, title, score as points, count(id) as c from t group by id"})),
            patch("v1", json!({"listRule": "", "fields": [{"name": "ignored", "type": "bool"}]})),
            patch("v1", json!({"viewQuery": "select title from t"})),
            patch("v1", json!({"viewQuery": ""})),
            patch("v1", json!({"createRule": ""})),
            patch("v1", json!({"type": "base"})),
            patch("v1", json!({"name": "v1renamed"})),
            get("/api/collections/v1renamed/records"),
            // The source's field options flow into the views' copies.
            patch("t", t_fields(&json!({"id": "text724990059", "name": "title", "type": "text", "max": 20, "presentable": true}), "score")),
            get("/api/collections/v1renamed"),
            get("/api/collections/v2"),
            // A renamed source column: SQLite rewrites the view, PocketBase's re-save fails and
            // the view keeps its stored fields.
            patch("t", t_fields(&json!({"id": "text724990059", "name": "title", "type": "text"}), "score2")),
            get("/api/collections/v1renamed"),
            get("/api/collections/v1renamed/records"),
            // A dropped source column is refused while a view uses it.
            patch("t", json!({"fields": [{"id": "number848901969", "name": "score2", "type": "number"}]})),
            get("/api/collections/t?fields=fields.name"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn views_over_views_and_relations_match_pocketbase() {
    Scenario::new("views over views")
        .steps(small_source())
        .steps([
            view("v1", "select id, title, score from t").expect(200),
            view("v2", "select v1.id, v1.title as heading, v1.score, v1.id as ref from v1").expect(200),
            view("v3", "select a.id, b.heading, a.id as v1ref, b.ref as v2ref from v1 a join v2 b on b.id = a.id").expect(200),
            create(json!({"name": "b1", "fields": [{"name": "r", "type": "relation", "collectionId": "pbc_2372337133"}]})),
            create(json!({"name": "b1", "fields": [{"name": "r", "type": "relation", "collectionId": "pbc_3206528920"}]})),
            patch("t", t_fields(&json!({"id": "text724990059", "name": "title", "type": "text", "help": "changed"}), "score")),
            get("/api/collections/v1?fields=fields"),
            get("/api/collections/v2?fields=fields"),
            get("/api/collections/v3?fields=fields"),
            dry_run("select v2.id, v2.heading, v2.ref from v2"),
            get("/api/collections/v3/records"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_what_a_view_depends_on_matches_pocketbase() {
    with_source("view dependencies")
        .steps([
            create(json!({"name": "t1", "fields": [{"name": "a", "type": "text"}]})).expect(200),
            view("v1", "select id, a from t1").expect(200),
            view("v2", "select id, title, id as ref from src").expect(200),
            Step::new(Method::DELETE, "/api/collections/t1").as_superuser(),
            get("/api/collections/t1?fields=name"),
            get("/api/collections/v1?fields=name,fields.name"),
            Step::new(Method::DELETE, "/api/collections/src").as_superuser(),
            Step::new(Method::DELETE, "/api/collections/v1").as_superuser(),
            Step::new(Method::DELETE, "/api/collections/t1").as_superuser(),
            get("/api/collections?fields=name&sort=created"),
        ])
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_view_matches_pocketbase() {
    let path = "/api/collections/meta/dry-run-view";
    with_source("dry run")
        .steps([
            Step::post(path, json!({"query": "select id from src"})),
            Step::post(path, json!({"query": "select id from src"})).as_user("alice"),
            Step::post(path, json!({})).as_superuser(),
            Step::post(path, json!({"query": ""})).as_superuser(),
            Step::post(path, json!({"query": 5})).as_superuser(),
            Step::post(path, json!({"query": format!("select id from src{}", " ".repeat(5000))})).as_superuser(),
            Step::new(Method::POST, path).raw(Some("application/json"), "{nope").as_superuser(),
            Step::new(Method::POST, path)
                .raw(Some("application/x-www-form-urlencoded"), "query=select+id%2C+title+from+src")
                .as_superuser()
                .mask("/sample/0/collectionId").mask("/sample/0/collectionName")
                .mask("/sample/1/collectionId").mask("/sample/1/collectionName")
                .mask("/sample/2/collectionId").mask("/sample/2/collectionName"),
            Step::get(path).as_superuser(),
            dry_run("select id, title, views, score, published, contact, status, labels, author, meta, location, secret, publishedAt, cover from src order by id"),
            dry_run("select p.id, (p.views*2) as doubled, count(*) as c, max(p.views) as mx, p.author as who, p.id as ref, cast(p.score as integer) as si from src p group by p.id order by p.id"),
            dry_run("select (ROW_NUMBER() OVER()) as id, title from src order by title"),
            dry_run("select id, (title) as jt, (null) as jn, (1.5) as jf, cast('[1,2]' as blob) as jb, ('{\"a\":1}') as jo, (true) as jt2, ('') as je from src order by id"),
            dry_run("select title from src"),
            dry_run("select id, nope from src"),
            dry_run("select * from src"),
            dry_run("select id, id from src"),
            dry_run("select id, title as expand from src"),
            dry_run("select '' as id from src"),
            dry_run("select 'x' as id from src"),
            dry_run("select id from src; delete from src"),
            dry_run("select id from src where 0"),
            get("/api/collections?fields=name&sort=created"),
        ])
        .run()
        .await;
}
