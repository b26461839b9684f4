//! Differential scenarios on the blog fixture (`blog.rs`): `sort` (several keys, relation and
//! JSON paths, `@rowid`, `@random`), `?fields=` (nesting, `*`, `:excerpt`), `?expand=` (multi,
//! back-relations, six levels, targets hidden by their view rule) and malformed or oversized
//! list parameters. See `../shared/spec/records.md` and `filters-and-rules.md` §7.

use wasmbase_tests::{Scenario, Step};

use crate::blog::{self, ALICE, POST_BOB2, POST_HELLO, Who, enc, list, view};

const SORTS: &[&str] = &[
    "-views",
    "views",
    "+views",
    " views , -title ",
    "-published,views",
    "-published,-views,title",
    "author.name,-views",
    "-author.name,title",
    "author,title",
    "author.email,title",
    "author.profiles_via_user.bio,title",
    "tags.name,title",
    "-tags.name,title",
    "tags,title",
    "labels,title",
    "-meta.n,title",
    "meta.s,title",
    "meta.nested.a.0.b,title",
    "location.lat",
    "-location.lon",
    "status,-views",
    "publishedAt,title",
    "-publishedAt,title",
    "score,views",
    "views,views",
    "-score,id",
    "id",
    "-id",
    "@rowid",
    "-@rowid",
    "+@rowid",
    "comments_via_post.message,title",
    "title:lower",
    "-title:lower",
    "secret,title",
    "-secret",
    "nope",
    "author.nope",
    "--views",
    "-",
    "+",
    ",views",
    "views,",
    "views,,title",
    "@request.auth.id",
    "@collection.tags.name",
    "strftime('%Y', created)",
    "tags:length,title",
    "labels:each",
    "@now",
    "@rowid,views",
    "views desc",
    "-views,-score,-title,-id,-created,-updated,-status,-published",
    "-views,-score,-title,-id,-created,-updated,-status,-published,-labels",
];

fn sort_steps(who: Who) -> Vec<Step> {
    let mut steps: Vec<Step> = SORTS
        .iter()
        .map(|sort| {
            let query = format!("perPage=200&fields=id,title&sort={}", enc(sort));
            who.apply(list("posts", &query)).label(&format!("{} sort {sort}", who.name()))
        })
        .collect();
    steps.extend([
        who.apply(list("posts", "sort=-views&page=2&perPage=2&fields=id,title,views")),
        who.apply(list("posts", "sort=-views&page=9&perPage=2&fields=id")),
        who.apply(list("posts", &format!("sort={}&fields=id", enc(&"t".repeat(255))))),
        who.apply(list("posts", &format!("sort={}&fields=id", enc(&"t".repeat(256))))),
        who.apply(list("nodes", "sort=-next.next.next.next.next.next.name,name&fields=id,name")),
        who.apply(list("comments", "sort=post.author.name,-message&fields=id,message")),
        who.apply(list("comments", "sort=-post.views,message&fields=id,message")),
        who.apply(list("tags", "sort=-posts_via_tags.views,name&fields=id,name")),
    ]);
    for sort in ["@random", "@random,-views", "-@random"] {
        steps.push(
            who.apply(list("posts", &format!("sort={}&perPage=1&fields=id", enc(sort))))
                .mask("/items/0/id")
                .label(&format!("{} sort {sort} (count only)", who.name())),
        );
    }
    steps
}

#[tokio::test(flavor = "multi_thread")]
async fn sorts_match_pocketbase() {
    let mut scenario = Scenario::new("sorts").steps(blog::fixture());
    for who in Who::READERS {
        scenario = scenario.steps(sort_steps(who));
    }
    scenario.run().await;
}

const POST_FIELDS: &[&str] = &[
    "*",
    "id,title",
    "id, title",
    "id,,title",
    "",
    "nope",
    "id,nope",
    "title:excerpt(5)",
    "title:excerpt(5,false)",
    "title:excerpt(5,true)",
    "title:excerpt(100,true)",
    "body:excerpt(20,true)",
    "body:excerpt(20)",
    "body:excerpt(1,true)",
    "body:excerpt(0)",
    "body:excerpt(-1)",
    "body:excerpt(3,true,1)",
    "body:excerpt(abc)",
    "body:excerpt()",
    "body:excerpt",
    "body:nope(1)",
    "body:excerpt(10,true),body",
    "body,body:excerpt(10,true)",
    "title:excerpt(2),title:excerpt(4)",
    "*:excerpt(3)",
    "id,*:excerpt(2,true)",
    "title:excerpt(4),*",
    "*:excerpt(3),*",
    "id:excerpt(3),views:excerpt(1),tags:excerpt(2)",
    "meta.n",
    "meta.arr",
    "meta.nested.a",
    "meta.nested.a.b",
    "location.lon",
    "meta.*",
    "*,title:excerpt(3,true)",
    "id,secret",
    "collectionId,collectionName",
    "expand",
];

fn fields_steps() -> Vec<Step> {
    let mut steps = Vec::new();
    for fields in POST_FIELDS {
        let query = format!("?fields={}", enc(fields));
        steps.push(view("posts", POST_HELLO, &query).as_superuser());
        steps.push(view("posts", POST_HELLO, &query).label(&format!("guest fields={fields}")));
    }
    steps.extend([
        list("posts", "fields=page,totalItems"),
        list("posts", "fields=items"),
        list("posts", "fields=*&perPage=1"),
        list("posts", "fields=title:excerpt(4,true)&perPage=3").as_superuser(),
        list("posts", "fields=id&perPage=1&filter=nope").label("fields on an error"),
        view("posts", "nope", "?fields=id"),
        view("posts", POST_HELLO, "?expand=author,tags&fields=*,expand.author.name")
            .auth_header("{{alice}}"),
        view("posts", POST_HELLO, "?expand=tags&fields=expand.tags.name,expand.tags.nope"),
        view("posts", POST_HELLO, "?expand=tags&fields=expand.tags.*"),
        view("posts", POST_HELLO, "?expand=tags&fields=expand.*"),
        view("posts", POST_HELLO, "?expand=tags&fields=expand.tags.name:excerpt(1,true)"),
        view("posts", POST_HELLO, "?expand=tags&fields=id,expand.tags.*:excerpt(2)"),
        view("posts", POST_HELLO, "?expand=comments_via_post.user&fields=id,expand.comments_via_post.message,expand.comments_via_post.expand.user.name")
            .as_superuser(),
        view(
            "posts",
            POST_HELLO,
            "?expand=author,tags&fields=id,body:excerpt(20,true),expand.author.name,expand.author.email,expand.tags.name",
        )
        .auth_header("{{alice}}"),
        view("users", ALICE, "?fields=id,email,name:excerpt(2,true)").auth_header("{{alice}}"),
    ]);
    steps
}

#[tokio::test(flavor = "multi_thread")]
async fn fields_match_pocketbase() {
    Scenario::new("fields").steps(blog::fixture()).steps(fields_steps()).run().await;
}

const POST_EXPANDS: &[&str] = &[
    "author",
    "tags",
    "author,tags",
    " author , tags ",
    "tags,tags.nope",
    "nope",
    "author.nope",
    "author,nope",
    "comments_via_post",
    "comments_via_post.user",
    "comments_via_post.post.author",
    "comments_via_post.post.tags",
    "comments(post)",
    "author.profiles_via_user",
    "author,author.profiles_via_user",
    "author.comments_via_user.post",
    "author.posts_via_author",
    "tags.posts_via_tags",
    "tags.posts_via_tags.author",
    "comments_via_nope",
    "cover",
    "title",
    "",
    ",",
    "author.",
];

const NODE_EXPANDS: &[(&str, &str)] = &[
    ("node00000000001", "next.next.next.next.next.next.next"),
    ("node00000000001", "next.next.next.next.next.next"),
    ("node00000000001", "next.next.next.next.next"),
    ("node00000000001", "kids.kids.kids"),
    ("node00000000001", "next,kids"),
    ("node00000000001", "kids.next,kids.kids"),
    ("node00000000001", "next.kids.next.kids"),
    ("node00000000002", "nodes_via_next"),
    ("node00000000003", "nodes_via_next.nodes_via_next"),
    ("node00000000003", "nodes_via_kids,nodes_via_next"),
    ("node00000000005", "nodes_via_kids.nodes_via_kids"),
    ("node00000000009", "nodes_via_kids"),
    (
        "node00000000008",
        "nodes_via_next.nodes_via_next.nodes_via_next.nodes_via_next.nodes_via_next.nodes_via_next.nodes_via_next",
    ),
    ("node00000000003", "kids"),
    ("node00000000002", "next.kids"),
    ("node00000000008", "next.nope"),
    ("node00000000007", "next.next.nope"),
    ("node00000000006", "next.next.nope"),
    ("node00000000006", "next.next.nope,next"),
    ("node00000000001", "next.next,next.nope"),
    ("node00000000001", "next,nope"),
    ("node00000000001", "kids.nope,next"),
    ("node00000000003", "kids.kids.nope"),
];

fn expand_steps(who: Who) -> Vec<Step> {
    let mut steps = Vec::new();
    for expand in POST_EXPANDS {
        let query = format!("?expand={}", enc(expand));
        let label = format!("{} expand={expand}", who.name());
        steps.push(who.apply(view("posts", POST_HELLO, &query)).label(&label));
    }
    for (id, expand) in NODE_EXPANDS {
        let query = format!("?expand={}&fields=id,name,expand", enc(expand));
        let label = format!("{} {id} expand={expand}", who.name());
        steps.push(who.apply(view("nodes", id, &query)).label(&label));
    }
    steps.extend([
        who.apply(list("posts", "expand=author,tags,comments_via_post.user&perPage=200")),
        who.apply(view("posts", POST_BOB2, "?expand=author,comments_via_post")),
        who.apply(list(
            "comments",
            "expand=post,user&fields=id,expand.post.title,expand.user.name",
        )),
        who.apply(list(
            "nodes",
            "expand=next,kids&fields=id,name,expand.next.name,expand.kids.name",
        )),
        who.apply(view(
            "users",
            ALICE,
            "?expand=posts_via_author,profiles_via_user,comments_via_user.post",
        )),
        who.apply(list("profiles", "expand=user.posts_via_author&fields=id,expand")),
        who.apply(list("tags", "expand=posts_via_tags&fields=id,name,expand.posts_via_tags.title")),
    ]);
    steps
}

#[tokio::test(flavor = "multi_thread")]
async fn expand_matches_pocketbase() {
    let mut scenario = Scenario::new("expand").steps(blog::fixture());
    for who in Who::READERS {
        scenario = scenario.steps(expand_steps(who));
    }
    scenario.run().await;
}

/// A filter of `n` nested groups around one condition.
fn nested(n: usize) -> String {
    format!("{}views > 1{}", "(".repeat(n), ")".repeat(n))
}

/// `views > 0 || views > 0 || …` with `n` comparisons.
fn comparisons(n: usize) -> String {
    vec!["views > 0"; n].join(" || ")
}

/// `title = 'aaa…'` exactly `len` characters long.
fn sized(len: usize) -> String {
    format!("title = '{}'", "a".repeat(len - "title = ''".len()))
}

fn bad_input_steps(who: Who) -> Vec<Step> {
    let filters = [
        ("10k characters", sized(10_000)),
        ("3500 characters", sized(3_500)),
        ("3501 characters", sized(3_501)),
        ("200 comparisons", comparisons(200)),
        ("201 comparisons", comparisons(201)),
        ("10 nested groups", nested(10)),
        ("50 nested groups", nested(50)),
        ("64 nested groups", nested(64)),
        // TODO(#5): 200 and 1000 nested groups — PocketBase has no depth limit and answers 200
        // with the matching rows; wasmbase's parser stops at 64 levels (400).
        ("unbalanced groups", format!("{}views > 1", "(".repeat(100))),
        ("empty groups", "(".repeat(20) + &")".repeat(20)),
        ("long identifier", format!("{} = 1", "a".repeat(300))),
        ("long json path", format!("meta.{} = 1", vec!["a"; 200].join("."))),
        ("deep relation path", format!("{}name = 'x'", "next.".repeat(20))),
    ];
    let mut steps: Vec<Step> = filters
        .iter()
        .map(|(label, filter)| {
            let collection = if label.starts_with("deep") { "nodes" } else { "posts" };
            let query = format!("fields=id&filter={}", enc(filter));
            who.apply(list(collection, &query)).label(&format!("{} filter: {label}", who.name()))
        })
        .collect();
    for query in [
        "page=abc",
        "perPage=abc",
        "page=-1&fields=id",
        "page=1.5",
        "perPage=0&fields=id",
        "skipTotal=abc&fields=id",
        "skipTotal=t&fields=id",
        "filter=&fields=id",
        "sort=&fields=id",
        "filter=title%20%3D%20%27Zero%27&filter=title%20%3D%20%27x%27&fields=id",
        // Go's query parser drops a pair with a bad escape or a `;`, not the request.
        "filter=title%20%3D%20%27%ZZ&fields=id",
        "fields=id&perPage=%2",
        "fields=id&perPage=1;x&filter=title%3D%27Zero%27",
        "fields=id&filter=title+%3D+%27Hello+world%27",
        "expand=author&expand=tags&fields=id,expand",
        "fields=id&fields=title",
    ] {
        steps.push(who.apply(list("posts", query)).label(&format!("{} {query}", who.name())));
    }
    steps
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_list_parameters_match_pocketbase() {
    let mut scenario = Scenario::new("bad list input").steps(blog::fixture());
    for who in [Who::Superuser, Who::Guest] {
        scenario = scenario.steps(bad_input_steps(who));
    }
    scenario.run().await;
}
