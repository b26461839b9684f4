//! The blog fixture of `../shared/spec/records.md` built through the API (same steps on both
//! servers): users alice/bob/carol with fixed ids, `tags`, `posts`, `comments`, plus `profiles`
//! (a back-relation with a unique index) and `nodes` (a self-relation chain for deep paths and
//! expands). Also the helpers the rule, filter and expand scenarios share.

use serde_json::{Value, json};
use wasmbase_tests::Step;

pub const ALICE: &str = "alice0000000001";
pub const BOB: &str = "bob000000000002";
pub const CAROL: &str = "carol0000000003";

pub const TAG_GO: &str = "taggo0000000001";
pub const TAG_JS: &str = "tagjs0000000002";
pub const TAG_RUST: &str = "tagrust00000003";
pub const TAG_SPECIAL: &str = "tagspecial00004";
pub const TAG_RUBY: &str = "tagruby00000005";

pub const POST_HELLO: &str = "post00000000001";
pub const POST_BOB1: &str = "post00000000002";
pub const POST_BOB2: &str = "post00000000003";
pub const POST_ZERO: &str = "post00000000006";

/// Who sends a step: the superuser, a guest, or a fixture user (by the token its login saved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Superuser,
    Guest,
    Alice,
    Bob,
    Carol,
}

impl Who {
    /// The requesters every read is played as.
    pub const READERS: [Who; 4] = [Who::Superuser, Who::Guest, Who::Alice, Who::Bob];

    /// `step` sent as this requester.
    pub fn apply(self, step: Step) -> Step {
        match self {
            Who::Superuser => step.as_superuser(),
            Who::Guest => step,
            Who::Alice => step.auth_header("{{alice}}"),
            Who::Bob => step.auth_header("{{bob}}"),
            Who::Carol => step.auth_header("{{carol}}"),
        }
    }

    /// A short name for labels.
    pub fn name(self) -> &'static str {
        match self {
            Who::Superuser => "superuser",
            Who::Guest => "guest",
            Who::Alice => "alice",
            Who::Bob => "bob",
            Who::Carol => "carol",
        }
    }
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub fn enc(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `GET /api/collections/{collection}/records?{query}`.
pub fn list(collection: &str, query: &str) -> Step {
    Step::get(&format!("/api/collections/{collection}/records?{query}"))
}

/// `POST /api/collections/{collection}/records`; `collection` may carry a query
/// (`posts?fields=id`).
pub fn create(collection: &str, body: Value) -> Step {
    let (name, query) = collection.split_once('?').map_or((collection, ""), |(n, q)| (n, q));
    let query = if query.is_empty() { String::new() } else { format!("?{query}") };
    Step::post(&format!("/api/collections/{name}/records{query}"), body)
}

/// `PATCH /api/collections/{collection}/records/{id}`.
pub fn update(collection: &str, id: &str, body: Value) -> Step {
    Step::new(reqwest::Method::PATCH, &format!("/api/collections/{collection}/records/{id}"))
        .json(body)
}

/// `DELETE /api/collections/{collection}/records/{id}`.
pub fn delete(collection: &str, id: &str) -> Step {
    Step::new(reqwest::Method::DELETE, &format!("/api/collections/{collection}/records/{id}"))
}

/// `GET /api/collections/{collection}/records/{id}{query}`.
pub fn view(collection: &str, id: &str, query: &str) -> Step {
    Step::get(&format!("/api/collections/{collection}/records/{id}{query}"))
}

/// A setup step: a collection created by the superuser (must answer 200 on PocketBase).
pub fn collection(body: Value) -> Step {
    Step::post("/api/collections", body).as_superuser().status_only().expect(200)
}

/// A setup step: a collection changed by the superuser.
pub fn patch_collection(name: &str, body: Value) -> Step {
    Step::new(reqwest::Method::PATCH, &format!("/api/collections/{name}"))
        .json(body)
        .as_superuser()
        .status_only()
        .expect(200)
}

/// A setup step: a record created by the superuser (compared, and must answer 200).
fn seed(collection: &str, body: Value) -> Step {
    create(collection, body).as_superuser().expect(200)
}

/// A setup step: logs `name` in and saves its token as `{{name}}`.
pub fn login(name: &str, password: &str) -> Step {
    Step::post(
        "/api/collections/users/auth-with-password",
        json!({"identity": format!("{name}@example.com"), "password": password}),
    )
    .status_only()
    .expect(200)
    .save(name, "/token")
}

fn users() -> Vec<Step> {
    vec![
        seed(
            "users",
            json!({"id": ALICE, "email": "alice@example.com", "password": "alicepass1",
            "passwordConfirm": "alicepass1", "name": "Alice", "verified": true, "emailVisibility": true}),
        ),
        seed(
            "users",
            json!({"id": BOB, "email": "bob@example.com", "password": "bobpass123",
            "passwordConfirm": "bobpass123", "name": "Bob", "verified": false}),
        ),
        seed(
            "users",
            json!({"id": CAROL, "email": "carol@example.com", "password": "carolpass1",
            "passwordConfirm": "carolpass1", "verified": true}),
        ),
        login("alice", "alicepass1"),
        login("bob", "bobpass123"),
        login("carol", "carolpass1"),
    ]
}

fn tags() -> Vec<Step> {
    vec![
        collection(json!({"name": "tags", "fields": [
            {"name": "name", "type": "text", "required": true, "max": 50},
            {"name": "color", "type": "select", "values": ["red", "green", "blue"], "maxSelect": 1}],
            "indexes": ["CREATE UNIQUE INDEX idx_tags_name ON tags (name)"],
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})),
        seed("tags", json!({"id": TAG_GO, "name": "go", "color": "red"})),
        seed("tags", json!({"id": TAG_JS, "name": "js", "color": "green"})),
        seed("tags", json!({"id": TAG_RUST, "name": "rust", "color": "blue"})),
        seed("tags", json!({"id": TAG_SPECIAL, "name": "50%_off\\"})),
        seed("tags", json!({"id": TAG_RUBY, "name": "Ruby", "color": "red"})),
    ]
}

fn posts_collection() -> Step {
    collection(json!({"name": "posts", "fields": [
        {"name": "title", "type": "text", "required": true, "min": 3, "max": 100},
        {"name": "body", "type": "editor"},
        {"name": "views", "type": "number", "min": 0, "onlyInt": true},
        {"name": "score", "type": "number"},
        {"name": "published", "type": "bool"},
        {"name": "contact", "type": "email"},
        {"name": "website", "type": "url"},
        {"name": "publishedAt", "type": "date"},
        {"name": "status", "type": "select", "values": ["draft", "live", "archived"], "maxSelect": 1},
        {"name": "labels", "type": "select", "values": ["a", "b", "c", "d"], "maxSelect": 3},
        {"name": "cover", "type": "file", "maxSelect": 1, "mimeTypes": ["image/png", "image/jpeg"], "thumbs": ["50x50", "0x40"]},
        {"name": "attachments", "type": "file", "maxSelect": 5},
        {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
        {"name": "tags", "type": "relation", "collectionId": "pbc_1219621782", "maxSelect": 10},
        {"name": "meta", "type": "json"},
        {"name": "location", "type": "geoPoint"},
        {"name": "secret", "type": "text", "hidden": true},
        {"name": "created", "type": "autodate", "onCreate": true},
        {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}],
        "listRule": "published = true || author = @request.auth.id",
        "viewRule": "published = true || author = @request.auth.id",
        "createRule": "@request.auth.id != '' && author = @request.auth.id",
        "updateRule": "author = @request.auth.id",
        "deleteRule": null}))
}

fn posts() -> Vec<Step> {
    vec![
        posts_collection(),
        seed(
            "posts",
            json!({"id": POST_HELLO, "title": "Hello world", "author": ALICE, "published": true,
            "views": 10, "score": 1.5, "body": "<p>Title</p><p>Some long paragraph with <b>bold</b> text</p>",
            "contact": "alice@example.com", "website": "https://example.com/a",
            "publishedAt": "2024-01-02 10:11:12.000Z", "status": "live", "labels": ["a", "b"],
            "tags": [TAG_GO, TAG_JS, TAG_RUST], "meta": {"n": 1, "s": "x", "arr": [1, 2], "flag": true},
            "location": {"lon": 23.32, "lat": 42.69}, "secret": "s1"}),
        ),
        seed(
            "posts",
            json!({"id": POST_BOB1, "title": "Post 1 by bob", "author": BOB, "published": true,
            "views": 7, "score": -2, "body": "bob body", "status": "draft", "labels": ["c"],
            "publishedAt": "2024-06-30 23:59:59.999Z", "tags": [TAG_RUST], "meta": {"n": 2, "s": "X"},
            "location": {"lon": -0.12, "lat": 51.5}, "secret": "s2"}),
        ),
        seed(
            "posts",
            json!({"id": POST_BOB2, "title": "Post 2 by bob", "author": BOB, "views": 14,
            "meta": null}),
        ),
        seed(
            "posts",
            json!({"id": "post00000000004", "title": "Post 3 by bob", "author": BOB, "views": 21,
            "score": 3.25, "tags": [TAG_GO], "labels": ["a"], "meta": {"n": 3}, "status": "archived",
            "publishedAt": "2025-03-01 00:00:00.000Z", "secret": "s4"}),
        ),
        seed(
            "posts",
            json!({"id": "post00000000005", "title": "Post 4 by bob", "author": BOB, "views": 28,
            "tags": [TAG_RUST, TAG_GO], "labels": ["a", "c"],
            "meta": {"n": 4, "nested": {"a": [{"b": "deep"}]}}}),
        ),
        seed(
            "posts",
            json!({"id": POST_ZERO, "title": "Zero", "author": ALICE, "views": 0,
            "tags": [TAG_RUBY], "meta": "text", "contact": "zero@example.com"}),
        ),
        seed(
            "posts",
            json!({"id": "post00000000007", "title": "back\\slash \"q\" it's", "published": true,
            "views": 3, "meta": [1, 2, 3], "website": "http://x.test"}),
        ),
        seed(
            "posts",
            json!({"id": "post00000000008", "title": "100% done_now", "author": CAROL,
            "published": true, "views": 50, "labels": ["a", "c", "d"], "tags": [TAG_SPECIAL, TAG_GO],
            "meta": {"n": "5"}, "location": {"lon": 179.9, "lat": -89.9}}),
        ),
        seed(
            "posts",
            json!({"id": "post00000000009", "title": "Ümlaut ÄÖ straße", "author": CAROL,
            "views": 1, "body": "ÄÖÜ äöü", "meta": {}}),
        ),
    ]
}

fn comments() -> Vec<Step> {
    vec![
        collection(json!({"name": "comments", "fields": [
            {"name": "post", "type": "relation", "collectionId": "pbc_1125843985", "maxSelect": 1,
             "required": true, "cascadeDelete": true},
            {"name": "user", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "message", "type": "text"},
            {"name": "created", "type": "autodate", "onCreate": true}],
            "listRule": "", "viewRule": "", "createRule": "@request.auth.id != \"\"",
            "updateRule": null, "deleteRule": null})),
        seed(
            "comments",
            json!({"id": "comm00000000001", "post": POST_HELLO, "user": BOB, "message": "Nice post"}),
        ),
        seed(
            "comments",
            json!({"id": "comm00000000002", "post": POST_HELLO, "user": ALICE, "message": "Thanks"}),
        ),
        seed(
            "comments",
            json!({"id": "comm00000000003", "post": POST_BOB1, "user": ALICE, "message": "Good one"}),
        ),
        seed(
            "comments",
            json!({"id": "comm00000000004", "post": "post00000000005", "user": CAROL, "message": "meh"}),
        ),
        seed(
            "comments",
            json!({"id": "comm00000000005", "post": "post00000000008", "message": "anon 100%"}),
        ),
        seed(
            "comments",
            json!({"id": "comm00000000006", "post": POST_BOB1, "user": BOB, "message": "self reply"}),
        ),
    ]
}

fn profiles() -> Vec<Step> {
    vec![
        collection(json!({"name": "profiles", "fields": [
            {"name": "user", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "bio", "type": "text"}],
            "indexes": ["CREATE UNIQUE INDEX idx_profiles_user ON profiles (user)"],
            "listRule": "", "viewRule": ""})),
        seed("profiles", json!({"id": "prof00000000001", "user": ALICE, "bio": "I write"})),
        seed("profiles", json!({"id": "prof00000000002", "user": BOB, "bio": "I read"})),
    ]
}

/// `node00000000001` → `…2` → … → `…8` by `next`; `kids` fan out; `…9` is hidden by the view
/// rule (`hidden = false`).
fn nodes() -> Vec<Step> {
    let mut steps = vec![
        collection(json!({"name": "nodes", "fields": [{"name": "name", "type": "text"}],
            "listRule": ""})),
        patch_collection(
            "nodes",
            json!({"viewRule": "hidden = false", "fields": [
            {"name": "name", "type": "text"},
            {"name": "hidden", "type": "bool"},
            {"name": "next", "type": "relation", "collectionId": "pbc_3598433047", "maxSelect": 1},
            {"name": "kids", "type": "relation", "collectionId": "pbc_3598433047", "maxSelect": 9}]}),
        ),
        seed("nodes", json!({"id": "node00000000009", "name": "n9", "hidden": true})),
    ];
    for n in (1..=8).rev() {
        let mut body = json!({"id": format!("node0000000000{n}"), "name": format!("n{n}")});
        if n < 8 {
            body["next"] = json!(format!("node0000000000{}", n + 1));
        }
        body["kids"] = match n {
            1 => json!(["node00000000002", "node00000000003"]),
            2 => json!(["node00000000004"]),
            3 => json!(["node00000000009", "node00000000005"]),
            _ => json!([]),
        };
        steps.push(seed("nodes", body));
    }
    steps
}

/// Every fixture step, in order: users (and their logins), tags, posts, comments, profiles,
/// nodes.
pub fn fixture() -> Vec<Step> {
    let mut steps = users();
    steps.extend(tags());
    steps.extend(posts());
    steps.extend(comments());
    steps.extend(profiles());
    steps.extend(nodes());
    steps
}
