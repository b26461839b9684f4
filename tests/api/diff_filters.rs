//! Differential scenarios: client `filter`s on the blog fixture (`blog.rs`), every one played
//! as the superuser, a guest, alice and bob, so the list rules and the client-filter access
//! checks (hidden fields, joined collections' list rules, `@request`/`@collection` → 403) are
//! exercised along with the operators. See `../shared/spec/filters-and-rules.md`.

use wasmbase_tests::{Scenario, Step};

use crate::blog::{self, Who, enc, list};
use crate::post_filters::POSTS;

/// Filters on `comments` (a public collection whose relations lead to rule-guarded ones).
const COMMENTS: &[&str] = &[
    "post.title = 'Hello world'",
    "post.title != 'Hello world'",
    "post.author.name = 'Alice'",
    "post.author = 'alice0000000001'",
    "post.tags.name ?= 'go'",
    "post.tags.name = 'go'",
    "post.published = true",
    "post.published = false",
    "post.secret = 's1'",
    "post.views > 10",
    "user.name = 'Bob'",
    "user.name != 'Bob'",
    "user = ''",
    "user.id = ''",
    "user.email ~ 'alice'",
    "user.verified = true",
    "user.profiles_via_user.bio ~ 'write'",
    "message ~ '100%'",
    "message ~ '%'",
    "message ~ '0\\%'",
    "post.comments_via_post.message ?= 'Thanks'",
    "post.comments_via_post.user.name ?= 'Bob'",
    "post.author.comments_via_user.message ?= 'meh'",
    "post.meta.n > 1",
    "post.labels:each ?= 'd'",
    "post.tags:length = 2",
    "post.location.lat < 0",
    "created <= @now",
    "post.id = 'post00000000001' && user.id = 'bob000000000002'",
    "post.author = user",
    "post.author != user",
    "post.author.id = user.id",
    "post.tags.name ?= 'rust' && user.name = 'Alice'",
    "post.comments_via_post.id ?= id",
    "post.comments_via_post:length = 2",
    "user.posts_via_author.title ?~ 'bob'",
    "user.email = 'bob@example.com'",
    "post.author.email = 'alice@example.com'",
    "user.comments_via_user.post.title ?= 'Hello world'",
    "created >= post.created",
    "message:lower ~ 'NICE'",
    "message ~ post.title",
    "post.title ~ message",
];

/// Filters on `tags` (special characters in values).
const TAGS: &[&str] = &[
    "name ~ '%_'",
    "name ~ '50%'",
    "name ~ '_off'",
    "name ~ '%_off'",
    "name ~ 'f\\\\'",
    "name ~ '\\\\'",
    "name = '50%_off\\\\'",
    "name = '50%_off\\'",
    "name ~ '0%\\_'",
    "name ~ 'R'",
    "name = 'ruby'",
    "name:lower = 'ruby'",
    "color = ''",
    "color = null",
    "color != 'red'",
    "color ~ 'e'",
    "color:length = 0",
    "posts_via_tags.title ?= 'Zero'",
    "posts_via_tags.id != ''",
    "posts_via_tags.published ?= true",
    "posts_via_tags.author.name ?= 'Carol'",
    "posts_via_tags:length > 2",
];

/// Filters on `users` (list rule `id = @request.auth.id`; email visibility).
const USERS: &[&str] = &[
    "name = 'Alice'",
    "name != ''",
    "email = 'bob@example.com'",
    "email ~ 'example'",
    "email != ''",
    "emailVisibility = true",
    "verified = false",
    "password != ''",
    "tokenKey != ''",
    "posts_via_author.title ?= 'Zero'",
    "posts_via_author.views > 5",
    "posts_via_author.views ?> 20",
    "profiles_via_user.bio = 'I read'",
    "profiles_via_user.bio ?= 'I read'",
    "comments_via_user.post.title ?= 'Hello world'",
    "id = 'alice0000000001'",
];

/// Filters on `nodes` (self-relations, deep paths, a view rule that is not a list rule).
const NODES: &[&str] = &[
    "next.name = 'n2'",
    "next.next.name = 'n3'",
    "next.next.next.next.next.next.name = 'n7'",
    "next.next.next.next.next.next.next.name = 'n8'",
    "next.next.next.next.next.next.id != ''",
    "kids.name ?= 'n9'",
    "kids.name = 'n4'",
    "kids.kids.name ?= 'n9'",
    "kids.kids.kids.name ?= 'n9'",
    "kids:length = 2",
    "kids.hidden ?= true",
    "nodes_via_next.name = 'n1'",
    "nodes_via_next.nodes_via_next.name ?= 'n1'",
    "nodes_via_kids.name ?= 'n3'",
    "nodes_via_kids.id = ''",
    "next.nodes_via_next.name ?= 'n2'",
    "hidden = true",
    "next = ''",
    "next.next = ''",
    "next.hidden = false",
];

/// Fields shown per collection (keep the reports readable).
fn fields(collection: &str) -> &'static str {
    match collection {
        "posts" => "id,title",
        "comments" => "id,message",
        _ => "id,name",
    }
}

/// One list step per filter of `filters` on `collection`, sent as `who`.
fn filter_steps(who: Who, collection: &str, filters: &[&str]) -> Vec<Step> {
    filters
        .iter()
        .map(|filter| {
            let query = format!("perPage=200&fields={}&filter={}", fields(collection), enc(filter));
            who.apply(list(collection, &query))
                .label(&format!("{} {collection}: {filter}", who.name()))
        })
        .collect()
}

fn filters_as(who: Who) -> Scenario {
    Scenario::new(&format!("filters as {}", who.name()))
        .steps(blog::fixture())
        .steps(filter_steps(who, "posts", POSTS))
        .steps(filter_steps(who, "comments", COMMENTS))
        .steps(filter_steps(who, "tags", TAGS))
        .steps(filter_steps(who, "users", USERS))
        .steps(filter_steps(who, "nodes", NODES))
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_as_superuser_match_pocketbase() {
    filters_as(Who::Superuser).run().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_as_guest_match_pocketbase() {
    filters_as(Who::Guest).run().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_as_alice_match_pocketbase() {
    filters_as(Who::Alice).run().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_as_bob_match_pocketbase() {
    filters_as(Who::Bob).run().await;
}
