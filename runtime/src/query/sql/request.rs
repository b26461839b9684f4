//! Identifier roots other than plain fields: `@collection.<name>[:alias].*` joins, the
//! `@request.auth.*` record (plain fields from the context, others joined by id),
//! `@request.body.*` (static values, `:each`/`:length`/`:lower`/`:changed`, relation keys
//! followed into their collection) and the static `@request.query/headers/method/context`.
//! See `../shared/spec/filters-and-rules.md` §4.

use serde_json::Value;

use super::builder::QueryBuilder;
use super::error::ResolveError;
use super::expr::compile_list;
use super::param::{Param, json_go_string};
use super::path::{PathModifier, Runner, is_multi_valuer, split_modifier};
use super::resolved::{NullFallback, Resolved, column, columnify, ident, placeholder};
use crate::model::field::json_number;
use crate::model::{Field, FieldOptions};
use crate::query::filter::{IdentRoot, Identifier, parse_rule};

/// `@request.auth.*` fields read from the request context rather than joined.
const PLAIN_AUTH_FIELDS: [&str; 6] =
    ["id", "collectionId", "collectionName", "email", "emailVisibility", "verified"];

fn is_word(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

impl<'a> QueryBuilder<'a> {
    /// Resolves an identifier (not a macro) to SQL (PocketBase's `RecordFieldResolver`).
    pub(crate) fn resolve_identifier(
        &mut self,
        identifier: &Identifier,
    ) -> Result<Resolved, ResolveError> {
        let raw = identifier.raw.as_str();
        let props: Vec<&str> = raw.split('.').collect();
        let failed = || ResolveError::FailedToResolve(raw.to_owned());
        match &identifier.path.root {
            IdentRoot::Field => Runner::new(self, raw).process_props(self, &props),
            IdentRoot::Collection { name, alias } => {
                if !is_word(name) || alias.as_deref().is_some_and(|a| !is_word(a)) {
                    return Err(failed());
                }
                self.resolve_collection(raw, &props)
            }
            IdentRoot::RequestAuth => self.resolve_auth(raw, &props),
            IdentRoot::RequestBody => self.resolve_body(raw, &props),
            IdentRoot::RequestQuery
            | IdentRoot::RequestHeaders
            | IdentRoot::RequestMethod
            | IdentRoot::RequestContext => self.resolve_static(&props[1..]),
            IdentRoot::Macro(_) | IdentRoot::RowId | IdentRoot::Random | IdentRoot::Unknown => {
                Err(failed())
            }
        }
    }

    /// `@collection.<nameOrId>[:alias].<path>`: a join without condition, multi-valued.
    fn resolve_collection(&mut self, raw: &str, props: &[&str]) -> Result<Resolved, ResolveError> {
        let target = props.get(1).copied().unwrap_or_default();
        let (name, alias) = target.split_once(':').unwrap_or((target, ""));
        let collection = self.load_collection(name).ok_or_else(|| {
            ResolveError::CollectionNotFound { name: target.to_owned(), path: raw.to_owned() }
        })?;
        let alias = if alias.is_empty() {
            format!("__collection_{}{}", columnify(&collection.name), self.suffix)
        } else {
            format!("__collection_alias_{}{}", columnify(alias), self.suffix)
        };
        let mut runner = Runner::new(self, raw);
        runner.set_multi();
        runner.enter(self, collection, alias, None)?;
        runner.process_props(self, props.get(2..).unwrap_or_default())
    }

    /// `@request.auth.<path>`.
    fn resolve_auth(&mut self, raw: &str, props: &[&str]) -> Result<Resolved, ResolveError> {
        let Some(auth) = self.request.auth.as_ref() else {
            return Ok(Resolved::null());
        };
        if props.len() == 3 && PLAIN_AUTH_FIELDS.contains(&props[2]) {
            return self.resolve_static(&props[1..]);
        }
        let collection: &'a crate::model::Collection = &auth.collection;
        let id = self.push_param(Param::Text(auth.id().to_owned()));
        let alias = format!("__auth_{}{}", columnify(&collection.name), self.suffix);
        let on = |alias: &str| format!("{} = {}", column(alias, "id"), placeholder(id));
        let mut runner = Runner::new(self, raw);
        runner.enter(self, collection, alias, Some(&on))?;
        runner.process_props(self, props.get(2..).unwrap_or_default())
    }

    /// `@request.body.<key>[...]`.
    fn resolve_body(&mut self, raw: &str, props: &[&str]) -> Result<Resolved, ResolveError> {
        let (name, modifier) = split_modifier(props.get(2).copied().unwrap_or_default())?;
        let Some(field) = self.base.field(name) else {
            return self.resolve_static(&props[1..]);
        };
        if let FieldOptions::Relation(options) = &field.options {
            if props.len() > 3 {
                return self.resolve_body_relation(raw, props, field, &options.collection_id);
            }
        }
        if props.len() == 3 {
            match modifier {
                Some(PathModifier::Each) => return self.resolve_body_each(raw, field),
                Some(PathModifier::Length) => {
                    if !is_multi_valuer(field) {
                        return Err(ResolveError::NotMultiValued(field.name.clone()));
                    }
                    return Ok(Resolved::raw(
                        body_items(self.request.body.get(name)).len().to_string(),
                    ));
                }
                Some(PathModifier::Lower) => {
                    let text = self.request.body.get(name).map(json_go_string).unwrap_or_default();
                    let index = self.push_param(Param::Text(text));
                    return Ok(Resolved {
                        sql: format!("LOWER({})", placeholder(index)),
                        params: vec![index],
                        ..Resolved::default()
                    });
                }
                Some(PathModifier::Changed) => return self.resolve_body_changed(field),
                Some(PathModifier::IsSet) | None => {}
            }
        }
        self.resolve_static(&props[1..])
    }

    /// `@request.body.<multi>:each`: iterates the submitted items.
    fn resolve_body_each(&mut self, raw: &str, field: &Field) -> Result<Resolved, ResolveError> {
        if !is_multi_valuer(field) {
            return Err(ResolveError::NotMultiValued(field.name.clone()));
        }
        let items = body_items(self.request.body.get(&field.name));
        let index = self.push_param(Param::Text(Value::Array(items).to_string()));
        let alias = format!("__dataEach_je_{}{}", columnify(&field.name), self.suffix);
        let table = format!("json_each({})", placeholder(index));
        self.register_join(None, &table, &alias, None)?;
        if !field.options.is_multiple() {
            return Ok(Resolved::raw(column(&alias, "value")));
        }
        let mut runner = Runner::new(self, raw);
        runner.set_multi();
        let mm_alias = format!("__mm_{alias}");
        runner.push_mm_join(format!("LEFT JOIN {table} {}", ident(&mm_alias)));
        Ok(Resolved {
            sql: column(&alias, "value"),
            multi: runner.multi_match(column(&mm_alias, "value")),
            ..Resolved::default()
        })
    }

    /// `@request.body.x:changed` = `@request.body.x:isset = true && @request.body.x != x`.
    fn resolve_body_changed(&mut self, field: &Field) -> Result<Resolved, ResolveError> {
        let name = &field.name;
        let text = format!("@request.body.{name}:isset = true && @request.body.{name} != {name}");
        let list = parse_rule(&text).map_err(|e| ResolveError::Changed(Box::new(e.into())))?;
        let sql = compile_list(self, &list).map_err(|e| ResolveError::Changed(Box::new(e)))?;
        // compat: PocketBase splices the expansion in place of the operand; it carries no
        // parameters of its own for the `=` normalisation (spec §4, `:changed`).
        Ok(Resolved { sql, null_fallback: NullFallback::Disabled, ..Resolved::default() })
    }

    /// `@request.body.<relation>.<path>`: joins the submitted ids.
    fn resolve_body_relation(
        &mut self,
        raw: &str,
        props: &[&str],
        field: &Field,
        collection_id: &str,
    ) -> Result<Resolved, ResolveError> {
        let target = self.load_collection(collection_id).ok_or_else(|| {
            ResolveError::BodyRelationCollectionNotFound {
                collection: collection_id.to_owned(),
                field: field.name.clone(),
            }
        })?;
        let ids = unique_strings(self.request.body.get(&field.name));
        if ids.is_empty() {
            return Ok(Resolved::null());
        }
        let count = ids.len();
        let first = self.params.len();
        for id in ids {
            self.push_param(Param::Text(id));
        }
        let on = |alias: &str| {
            let id = column(alias, "id");
            if count == 1 {
                return format!("{id} = {}", placeholder(first));
            }
            let list: Vec<String> = (first..first + count).map(placeholder).collect();
            format!("{id} IN ({})", list.join(", "))
        };
        let alias = format!(
            "__data_{}{}",
            columnify(&format!("{}_{}", target.name, field.name)),
            self.suffix
        );
        let mut runner = Runner::new(self, raw);
        if field.options.is_multiple() {
            runner.set_multi();
        }
        runner.enter(self, target, alias, Some(&on))?;
        runner.process_props(self, props.get(3..).unwrap_or_default())
    }

    /// A static `@request.*` value; `path` starts after `@request` (PocketBase's
    /// `resolveStaticRequestField`).
    pub(crate) fn resolve_static(&mut self, path: &[&str]) -> Result<Resolved, ResolveError> {
        let Some((&last, keys)) = path.split_last() else {
            return Ok(Resolved::null());
        };
        let (last, modifier) = split_modifier(last)?;
        let value = self.lookup_static(keys, last);
        if modifier == Some(PathModifier::IsSet) {
            return Ok(Resolved::raw(if value.is_some() { "TRUE" } else { "FALSE" }));
        }
        if let Some(modifier) = modifier.filter(|m| *m != PathModifier::Lower) {
            let modifier = match modifier {
                PathModifier::Each => "each",
                PathModifier::Length => "length",
                PathModifier::Changed => "changed",
                PathModifier::IsSet | PathModifier::Lower => "",
            };
            return Err(ResolveError::InvalidModifierSequence(format!("{last}:{modifier}")));
        }
        let Some(param) = value.flatten() else {
            return Ok(Resolved::null());
        };
        let index = self.push_param(param);
        let sql = placeholder(index);
        let sql = if modifier == Some(PathModifier::Lower) { format!("LOWER({sql})") } else { sql };
        Ok(Resolved { sql, params: vec![index], ..Resolved::default() })
    }

    /// `Some(value)` when the key path exists (`Some(None)` for a JSON `null`).
    fn lookup_static(&self, keys: &[&str], last: &str) -> Option<Option<Param>> {
        let request = self.request;
        let (root, rest) = match keys.split_first() {
            Some((&root, rest)) => (root, rest),
            None => (last, &[][..]),
        };
        let leaf = |text: &str| Some(Some(Param::Text(text.to_owned())));
        match (root, keys.len()) {
            ("context", 0) => leaf(request.context.as_str()),
            ("method", 0) => leaf(&request.method),
            ("query", 1) => request.query.get(last).and_then(|v| leaf(v)),
            ("headers", 1) => request.headers.get(last).and_then(|v| leaf(v)),
            ("auth", 1) => {
                let auth = request.auth.as_ref()?;
                Some(match last {
                    "collectionId" => Some(Param::Text(auth.collection.id.clone())),
                    "collectionName" => Some(Param::Text(auth.collection.name.clone())),
                    "emailVisibility" | "verified" => Some(Param::Bool(
                        auth.values.get(last).and_then(Value::as_bool).unwrap_or(false),
                    )),
                    _ => Some(Param::Text(
                        auth.values
                            .get(last)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    )),
                })
            }
            ("body", _) => {
                let mut path = rest.iter().copied().chain([last]);
                let first = path.next()?;
                let mut value = request.body.get(first)?;
                let top_field = (rest.is_empty()).then(|| self.base.field(first)).flatten();
                for key in path {
                    value = nested(value, key)?;
                }
                Some(self.body_param(value, top_field, last))
            }
            _ => None,
        }
    }

    /// How a submitted value is bound: JSON-ish fields as their JSON text, numeric strings of
    /// number fields as numbers, other scalars as they are, lists and objects as JSON.
    fn body_param(&self, value: &Value, top_field: Option<&Field>, last: &str) -> Option<Param> {
        match top_field.map(|f| &f.options) {
            Some(FieldOptions::Json(_)) => return Some(Param::Text(value.to_string())),
            Some(FieldOptions::GeoPoint) => {
                let coordinate = |key| value.get(key).and_then(Value::as_f64).unwrap_or_default();
                let (lon, lat) = (json_number(coordinate("lon")), json_number(coordinate("lat")));
                return Some(Param::Text(format!("{{\"lon\":{lon},\"lat\":{lat}}}")));
            }
            _ => {}
        }
        if let Value::String(text) = value {
            if self.base.field(last).is_some_and(|f| matches!(f.options, FieldOptions::Number(_))) {
                if let Ok(number) = text.parse::<f64>() {
                    return Some(Param::Real(number));
                }
            }
        }
        Param::from_json(value)
    }
}

/// One step into a nested body value: object keys, array indexes.
fn nested<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

/// PocketBase's `toSlice`: `null`/missing → no items, a list → its items, a scalar → itself.
fn body_items(value: Option<&Value>) -> Vec<Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(other) => vec![other.clone()],
    }
}

/// PocketBase's `list.ToUniqueStringSlice`: distinct non-empty strings.
fn unique_strings(value: Option<&Value>) -> Vec<String> {
    let items: Vec<String> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) if text.contains('[') => {
            serde_json::from_str::<Vec<String>>(text).unwrap_or_else(|_| vec![text.clone()])
        }
        Some(Value::Array(items)) => items.iter().map(json_go_string).collect(),
        Some(other) => vec![json_go_string(other)],
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}
