//! Random filters and sorts over the posts fixture (deterministic xorshift generator): the
//! compiler never panics, SQLite accepts and runs every SQL it produces, and quoted text
//! from the filter never reaches the SQL text (it is always a bound parameter).

use serde_json::json;

use super::fixture::*;
use crate::query::filter::{Expr, ExprList, Operand, parse_filter, parse_sort};
use crate::query::sql::{Access, QueryBuilder, RequestContext};

use crate::query::test_rng::Rng;

const IDENTIFIERS: &[&str] = &[
    "title",
    "views",
    "score",
    "published",
    "contact",
    "website",
    "publishedAt",
    "status",
    "labels",
    "cover",
    "attachments",
    "author",
    "tags",
    "meta",
    "location",
    "secret",
    "created",
    "id",
    "author.name",
    "author.email",
    "author.id",
    "author.tokenKey",
    "tags.name",
    "tags.color",
    "tags.id",
    "comments_via_post.message",
    "comments_via_post.user.name",
    "meta.n",
    "meta.arr.0",
    "meta.a.b",
    "location.lon",
    "location.lat",
    "author.comments_via_user.post.title",
    "title:lower",
    "labels:each",
    "tags:length",
    "tags:each",
    "status:each",
    "labels:length",
    "title:isset",
    "title:changed",
    "title:nope",
    "tags.name:lower",
    "@collection.tags.name",
    "@collection.tags:t.name",
    "@collection.users.email",
    "@collection.nope.x",
    "@collection.profiles.bio",
    "@request.auth.id",
    "@request.auth.name",
    "@request.auth.tokenKey",
    "@request.auth.comments_via_user.message",
    "@request.body.title",
    "@request.body.tags:each",
    "@request.body.tags:length",
    "@request.body.author.name",
    "@request.body.tags.name",
    "@request.body.title:changed",
    "@request.body.title:lower",
    "@request.body.x:isset",
    "@request.body.meta.a",
    "@request.query.q",
    "@request.headers.h",
    "@request.method",
    "@request.context",
    "@now",
    "@todayStart",
    "@year",
    "@rowid",
    "nofield",
    "null",
    "true",
    "false",
    "next.name",
];
const SIGNS: &[&str] = &[
    "=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~",
];
const TEXT_CHARS: &[&str] =
    &["a", "Z", "'", "\"", "\\", "%", "_", " ", "é", "`", "?1", ";", "-", "0"];

pub(super) struct Generator {
    pub(super) rng: Rng,
    pub(super) texts: usize,
}

impl Generator {
    fn text(&mut self) -> String {
        self.texts += 1;
        let quote = if self.rng.below(2) == 0 { '\'' } else { '"' };
        let mut value = format!("Zq{}x", self.texts);
        for _ in 0..self.rng.below(6) {
            value.push_str(self.rng.pick(TEXT_CHARS));
        }
        let mut literal = String::from(quote);
        for c in value.chars() {
            if c == quote || c == '\\' {
                literal.push('\\');
            }
            literal.push(c);
        }
        literal.push(quote);
        literal
    }

    fn operand(&mut self) -> String {
        match self.rng.below(10) {
            0..=4 => self.rng.pick(IDENTIFIERS).to_owned(),
            5 | 6 => self.text(),
            7 => format!("{}", self.rng.below(50) as i64 - 10),
            8 => format!(
                "geoDistance({}, location.lat, 1.5, {})",
                self.rng.pick(IDENTIFIERS),
                self.rng.below(90)
            ),
            _ => format!(
                "strftime({}, {}, {})",
                self.text(),
                self.rng.pick(IDENTIFIERS),
                self.text()
            ),
        }
    }

    fn expr(&mut self, depth: usize) -> String {
        if depth < 2 && self.rng.below(4) == 0 {
            return format!("({})", self.list(depth + 1));
        }
        format!("{} {} {}", self.operand(), self.rng.pick(SIGNS), self.operand())
    }

    pub(super) fn list(&mut self, depth: usize) -> String {
        let mut out = self.expr(depth);
        for _ in 0..self.rng.below(3) {
            let join = if self.rng.below(2) == 0 { " && " } else { " || " };
            out.push_str(join);
            out.push_str(&self.expr(depth));
        }
        out
    }
}

fn texts(list: &ExprList, out: &mut Vec<String>) {
    fn operand(op: &Operand, out: &mut Vec<String>) {
        match op {
            Operand::Text(text) => out.push(text.value.clone()),
            Operand::Function(function) => function.args.iter().for_each(|arg| operand(arg, out)),
            _ => {}
        }
    }
    for expr in std::iter::once(&list.first).chain(list.rest.iter().map(|j| &j.expr)) {
        match expr {
            Expr::Comparison(c) => {
                operand(&c.left, out);
                operand(&c.right, out);
            }
            Expr::Group(group) => texts(&group.list, out),
        }
    }
}

#[test]
fn random_filters_compile_to_valid_parameterised_sql() {
    let fx = fixture();
    let body = json!({"title": "t", "tags": [GO, JS], "author": BOB, "meta": {"a": 1}, "x": null});
    let requests = [
        fx.request(None),
        RequestContext::new("POST")
            .with_auth(Some(fx.auth("users", ALICE)))
            .with_body(body.as_object().cloned().unwrap())
            .with_query([("q", "v")])
            .with_headers([("h", "v")]),
        fx.request(Some(("_superusers", ROOT))),
    ];
    let mut generator = Generator { rng: Rng(0x9E37_79B9_7F4A_7C15), texts: 0 };
    let (mut compiled_count, mut rejected) = (0, 0);
    for round in 0..1500 {
        let filter = generator.list(0);
        let Ok(list) = parse_filter(&filter) else {
            rejected += 1;
            continue;
        };
        let mut values = Vec::new();
        texts(&list, &mut values);
        let request = &requests[round % requests.len()];
        let access = if round % 2 == 0 { Access::RULE } else { Access::CLIENT };
        let mut builder = QueryBuilder::new(fx.collection("posts"), &fx.all, request, now());
        if let Some(rule) = fx.collection("posts").list_rule.as_deref() {
            builder.and_rule(rule).unwrap();
        }
        let Ok(compiled) = builder.and_filter(&list, access).and_then(|()| builder.finish()) else {
            rejected += 1;
            continue;
        };
        compiled_count += 1;
        let sql = compiled.select_sql();
        for value in &values {
            let marker = value.split('x').next().unwrap_or(value);
            assert!(
                !sql.contains(value.as_str()) && !sql.contains(&format!("{marker}x")),
                "{filter}\n{sql}"
            );
        }
        let mut stmt = fx.conn.prepare(&sql).unwrap_or_else(|e| panic!("{filter}\n{sql}\n{e}"));
        let mut rows = stmt.query(rusqlite::params_from_iter(compiled.params.iter())).unwrap();
        while let Some(row) = rows.next().unwrap_or_else(|e| panic!("{filter}\n{sql}\n{e}")) {
            let _: String = row.get("id").unwrap();
        }
    }
    assert!(compiled_count > 300, "compiled {compiled_count}, rejected {rejected}");
}

#[test]
fn random_sorts_compile_to_valid_sql() {
    let fx = fixture();
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let request = fx.request(Some(("users", ALICE)));
    let mut ok = 0;
    for round in 0..400 {
        let items: Vec<String> = (0..=rng.below(3))
            .map(|_| {
                let dir = ["", "-", "+"][rng.below(3)];
                let name = if rng.below(8) == 0 {
                    "@random"
                } else if rng.below(8) == 0 {
                    "@rowid"
                } else {
                    rng.pick(IDENTIFIERS)
                };
                format!("{dir}{name}")
            })
            .collect();
        let sort = items.join(",");
        let Ok(items) = parse_sort(&sort) else { continue };
        let access = if round % 2 == 0 { Access::RULE } else { Access::CLIENT };
        let mut builder = QueryBuilder::new(fx.collection("posts"), &fx.all, &request, now());
        let Ok(compiled) = builder.order_by(&items, access).and_then(|()| builder.finish()) else {
            continue;
        };
        ok += 1;
        let sql = compiled.select_sql();
        let mut stmt = fx.conn.prepare(&sql).unwrap_or_else(|e| panic!("{sort}\n{sql}\n{e}"));
        let count = stmt
            .query_map(rusqlite::params_from_iter(compiled.params.iter()), |row| {
                row.get::<_, String>("id")
            })
            .unwrap_or_else(|e| panic!("{sort}\n{sql}\n{e}"))
            .count();
        assert!(count <= 7, "{sort}: {count}");
    }
    assert!(ok > 100, "{ok}");
}
