//! The collections of the fixture of `../shared/spec/records.md` ("Fixture used by the
//! captures": users, tags, posts, comments) plus `notes` (the captured rule behaviour),
//! `chain` (deep relation paths) and `profiles` (unique back-relation, null list rule), and
//! helpers that compile and run filters. The rows are in `rows.rs`.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::Map;

use crate::model::field::{
    AutodateOptions, DateOptions, DomainOptions, EditorOptions, FileOptions, JsonOptions,
    NumberOptions, RelationOptions, SelectOptions, TextOptions,
};
use crate::model::{Collection, CollectionSet, CollectionType, DateTime, Field, FieldOptions};
use crate::query::filter::{parse_filter, parse_sort};
use crate::query::sql::{Access, AuthRecord, Compiled, QueryBuilder, QueryError, RequestContext};
use crate::store::migrations::system_collections::{autodate_fields, id_field, superusers, users};

pub use super::rows::{fixture, fixture_with};

pub const ALICE: &str = "hyai5ba5tbbo7hn";
pub const BOB: &str = "ks6sva5n5db33kp";
pub const GO: &str = "au34l6ooeg6ockh";
pub const JS: &str = "outlfgns1cdask9";
pub const RUST: &str = "ui6p2x9ohwbpgv0";
pub const HELLO: &str = "ecpyzlmfbjjlg65";
pub const POST1: &str = "2b0fo3ppxw35qya";
pub const POST2: &str = "dhn4av6gsrntfuy";
pub const POST3: &str = "au6k578k14o4e47";
pub const POST4: &str = "2e34xhmfz2odvja";
pub const ZERO: &str = "zerozerozero000";
pub const QUOTE: &str = "quotequotequote";
pub const NOTE: &str = "notenotenote001";
pub const ROOT: &str = "superuser000001";

/// The instant the date macros see in every test.
pub fn now() -> DateTime {
    DateTime::parse("2026-11-24 12:00:00.000Z").unwrap()
}

pub fn f(name: &str, options: FieldOptions) -> Field {
    Field::new(name, options)
}
pub fn text(name: &str) -> Field {
    f(name, FieldOptions::Text(TextOptions::default()))
}
pub fn number(name: &str) -> Field {
    f(name, FieldOptions::Number(NumberOptions::default()))
}
pub fn select(name: &str, max_select: i64, values: &[&str]) -> Field {
    let values = values.iter().map(|v| (*v).to_owned()).collect();
    f(name, FieldOptions::Select(SelectOptions { max_select, values }))
}
pub fn file(name: &str, max_select: i64) -> Field {
    f(name, FieldOptions::File(FileOptions { max_select, ..Default::default() }))
}
pub fn relation(name: &str, collection_id: &str, max_select: i64) -> Field {
    let options = RelationOptions {
        collection_id: collection_id.to_owned(),
        max_select,
        ..Default::default()
    };
    f(name, FieldOptions::Relation(options))
}

fn base(name: &str, id: &str, fields: Vec<Field>, rule: Option<&str>) -> Collection {
    let mut collection = Collection::new(CollectionType::Base, name);
    collection.id = id.to_owned();
    collection.fields = vec![id_field()];
    collection.fields.extend(fields);
    let rule = rule.map(str::to_owned);
    collection.list_rule = rule.clone();
    collection.view_rule = rule;
    collection
}

pub fn collections() -> Vec<Collection> {
    let tags = base(
        "tags",
        "pbc_1219621782",
        vec![text("name").required(true), select("color", 1, &["red", "green", "blue"])],
        Some(""),
    );
    let mut tags = tags;
    tags.indexes = vec!["CREATE UNIQUE INDEX `idx_tags_name` ON `tags` (`name`)".to_owned()];

    let mut post_fields = vec![
        text("title").required(true),
        f("body", FieldOptions::Editor(EditorOptions::default())),
        number("views"),
        number("score"),
        f("published", FieldOptions::Bool),
        f("contact", FieldOptions::Email(DomainOptions::default())),
        f("website", FieldOptions::Url(DomainOptions::default())),
        f("publishedAt", FieldOptions::Date(DateOptions::default())),
        select("status", 1, &["draft", "live"]),
        select("labels", 3, &["a", "b", "c", "d"]),
        file("cover", 1),
        file("attachments", 5),
        relation("author", "_pb_users_auth_", 1),
        relation("tags", "pbc_1219621782", 10),
        f("meta", FieldOptions::Json(JsonOptions::default())),
        f("location", FieldOptions::GeoPoint),
        text("secret").hidden(true),
    ];
    post_fields.extend(autodate_fields(false));
    let mut posts = base(
        "posts",
        "pbc_1125843985",
        post_fields,
        Some("published = true || author = @request.auth.id"),
    );
    posts.create_rule = Some("@request.auth.id != '' && author = @request.auth.id".to_owned());
    posts.update_rule = Some("author = @request.auth.id".to_owned());
    posts.indexes = vec!["CREATE INDEX `idx_posts_title` ON `posts` (`title`)".to_owned()];

    let mut comment_fields = vec![
        relation("post", "pbc_1125843985", 1).required(true),
        relation("user", "_pb_users_auth_", 1),
        text("message"),
    ];
    comment_fields.push(f(
        "created",
        FieldOptions::Autodate(AutodateOptions { on_create: true, on_update: false }),
    ));
    let mut comments = base("comments", "pbc_533777971", comment_fields, Some(""));
    comments.create_rule = Some("@request.auth.id != \"\"".to_owned());
    comments.indexes = vec!["CREATE INDEX `idx_comments_post` ON `comments` (`post`)".to_owned()];

    let mut notes = base(
        "notes",
        "pbc_notes00001",
        vec![
            relation("owner", "_pb_users_auth_", 1),
            number("n"),
            select("tags", 3, &["x", "y", "z"]),
            text("text"),
        ],
        Some("@request.headers.x_key = \"abc\" || owner = @request.auth.id"),
    );
    notes.view_rule = Some("@request.query.secret = \"yes\"".to_owned());
    notes.create_rule = Some(
        "@request.auth.id != \"\" && @request.body.owner = @request.auth.id && \
         @request.body.tags:length <= 2 && @request.method = \"POST\""
            .to_owned(),
    );
    notes.update_rule = Some(
        "owner = @request.auth.id && @request.body.owner:changed = false && \
         (@request.body.n:isset = false || @request.body.n > n)"
            .to_owned(),
    );
    notes.delete_rule =
        Some("owner = @request.auth.id && @request.context != \"batch\"".to_owned());

    // A self-referencing chain for deep paths, a back-relation with a unique index, and a
    // collection whose list rule is null (superusers only).
    let chain = base(
        "chain",
        "pbc_chain00001",
        vec![
            text("name"),
            relation("next", "pbc_chain00001", 1),
            relation("many", "pbc_chain00001", 5),
        ],
        Some(""),
    );
    let mut profiles = base(
        "profiles",
        "pbc_profiles01",
        vec![relation("user", "_pb_users_auth_", 1), text("bio")],
        None,
    );
    profiles.indexes =
        vec!["CREATE UNIQUE INDEX `idx_profiles_user` ON `profiles` (`user`)".to_owned()];

    vec![superusers(), users(), tags, posts, comments, notes, chain, profiles]
}

pub struct Fixture {
    pub conn: Connection,
    pub all: CollectionSet,
}

impl Fixture {
    pub fn collection(&self, name: &str) -> &Collection {
        self.all.find(name).unwrap()
    }

    pub fn arc(&self, name: &str) -> Arc<Collection> {
        self.all.find(name).unwrap().clone()
    }

    pub fn auth(&self, collection: &str, id: &str) -> AuthRecord {
        let sql = format!("SELECT * FROM `{collection}` WHERE id = ?1");
        let c = self.collection(collection);
        let values = self
            .conn
            .query_row(&sql, [id], |row| {
                let mut map = Map::new();
                for field in &c.fields {
                    let value = row.get_ref(field.name.as_str())?;
                    map.insert(
                        field.name.clone(),
                        crate::store::value::column_to_json(field, value),
                    );
                }
                Ok(map)
            })
            .unwrap();
        AuthRecord::new(self.arc(collection), values)
    }

    pub fn request(&self, auth: Option<(&str, &str)>) -> RequestContext {
        RequestContext::new("GET").with_auth(auth.map(|(c, id)| self.auth(c, id)))
    }

    /// Compiles `filter` on `collection` and returns the matching ids (sorted).
    pub fn run(
        &self,
        collection: &str,
        filter: &str,
        request: &RequestContext,
        access: Access,
    ) -> Result<Vec<String>, QueryError> {
        let c = self.collection(collection);
        let mut builder = QueryBuilder::new(c, &self.all, request, now());
        builder.and_filter(&parse_filter(filter)?, access)?;
        let compiled = builder.finish()?;
        let mut ids = self.ids(&compiled);
        ids.sort();
        Ok(ids)
    }

    /// As superuser (rule access).
    pub fn ids_of(&self, collection: &str, filter: &str) -> Vec<String> {
        let request = self.request(None);
        self.run(collection, filter, &request, Access::RULE)
            .unwrap_or_else(|e| panic!("{filter}: {e}"))
    }

    /// Runs the compiled select, returning ids in result order.
    pub fn ids(&self, compiled: &Compiled) -> Vec<String> {
        let sql = compiled.select_sql();
        let mut stmt = self.conn.prepare(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let rows = stmt
            .query_map(rusqlite::params_from_iter(compiled.params.iter()), |row| {
                row.get::<_, String>("id")
            })
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.map(|row| row.unwrap_or_else(|e| panic!("{sql}: {e}"))).collect()
    }

    /// Ids of `collection` sorted by `sort` (plus a filter).
    pub fn sorted(
        &self,
        collection: &str,
        sort: &str,
        access: Access,
    ) -> Result<Vec<String>, QueryError> {
        let c = self.collection(collection);
        let request = self.request(None);
        let mut builder = QueryBuilder::new(c, &self.all, &request, now());
        builder.order_by(&parse_sort(sort)?, access)?;
        Ok(self.ids(&builder.finish()?))
    }
}

pub fn owned(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    ids.sort();
    ids
}
