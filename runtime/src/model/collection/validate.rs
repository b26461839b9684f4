//! Validation of a whole collection before it is saved: name, id, type, system protections,
//! rules, fields (definitions, duplicates, primary key, system fields, relation targets),
//! indexes and auth options, with PocketBase's codes and messages. Rule syntax and field
//! references are checked by a validator the caller passes in (the query language lives above
//! the model). See `../shared/spec/collections-and-fields.md` §5 (errors).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::json;

use super::index_sql::IndexSql;
use super::{Collection, CollectionType};
use crate::model::field::FieldOptions;
use crate::model::field::validate_options::{max_threshold, min_threshold, validate_field_options};
use crate::model::{CollectionSet, FieldError, ValidationErrors};

static NAME: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^[0-9A-Za-z_]+$").ok());

/// Checks a rule's syntax and field references; `Err` carries PocketBase's raw error text.
pub type RuleValidator<'a> = &'a dyn Fn(&Collection, &str) -> Result<(), String>;

/// Everything validation needs besides the collection itself.
pub struct ValidationContext<'a> {
    /// The stored collection, on update.
    pub existing: Option<&'a Collection>,
    /// Every collection now stored.
    pub all: &'a CollectionSet,
    /// The sent `type` when it is not base/auth/view.
    pub unknown_type: Option<&'a str>,
    /// Tables in the database that belong to no collection (`_collections`, `_params`, ...).
    pub internal_tables: &'a [String],
    /// The rule checker.
    pub check_rule: RuleValidator<'a>,
}

/// All problems with `collection`, keyed like its JSON.
pub fn validate_collection(
    collection: &Collection,
    ctx: &ValidationContext<'_>,
) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if ctx.existing.is_none() && !collection.id.is_empty() {
        if let Some(error) = id_error(&collection.id, ctx) {
            errors.add("id", error);
        }
    }
    if let Some(error) = name_error(collection, ctx) {
        errors.add("name", error);
    }
    if ctx.unknown_type.is_some() {
        errors.add("type", FieldError::invalid_value());
    } else if ctx.existing.is_some_and(|e| e.collection_type != collection.collection_type) {
        errors.add(
            "type",
            FieldError::new(
                "validation_collection_type_change",
                "Collection type cannot be changed.",
            ),
        );
    }
    if ctx.existing.is_some_and(|e| e.system != collection.system) {
        errors.add(
            "system",
            FieldError::new(
                "validation_collection_system_flag_change",
                "System collection state cannot be changed.",
            ),
        );
    }
    validate_rules(collection, ctx, &mut errors);
    validate_fields(collection, ctx, &mut errors);
    validate_indexes(collection, &mut errors);
    // compat: only an empty query is "blank"; blanks are left to the query check.
    if collection.collection_type == CollectionType::View && collection.view_query.is_empty() {
        errors.add("viewQuery", FieldError::required());
    }
    if collection.collection_type == CollectionType::Auth {
        validate_auth_options(collection, ctx, &mut errors);
    }
    errors
}

fn id_error(id: &str, ctx: &ValidationContext<'_>) -> Option<FieldError> {
    if id.chars().count() > 100 || !NAME.as_ref().is_some_and(|re| re.is_match(id)) {
        return Some(FieldError::new("validation_match_invalid", "Must be in a valid format."));
    }
    ctx.all.all().iter().any(|c| c.id.eq_ignore_ascii_case(id)).then(|| {
        FieldError::new(
            "validation_invalid_or_existing_id",
            "The model id is invalid or already exists.",
        )
    })
}

fn name_error(collection: &Collection, ctx: &ValidationContext<'_>) -> Option<FieldError> {
    let name = collection.name.as_str();
    if name.is_empty() {
        return Some(FieldError::required());
    }
    if let Some(existing) = ctx.existing.filter(|e| e.system && e.name != name) {
        let _ = existing;
        return Some(FieldError::new(
            "validation_collection_system_name_change",
            "System collection name cannot be changed.",
        ));
    }
    if name.chars().count() > 255 {
        return Some(FieldError {
            code: "validation_length_out_of_range".to_owned(),
            message: "The length must be between 1 and 255.".to_owned(),
            params: json!({"max": 255, "min": 1}).as_object().cloned(),
        });
    }
    if !NAME.as_ref().is_some_and(|re| re.is_match(name)) {
        return Some(FieldError::new("validation_match_invalid", "Must be in a valid format."));
    }
    if name.contains("_via_") {
        return Some(FieldError::new(
            "validation_found_via",
            "The value cannot contain \"_via_\".",
        ));
    }
    let others = ctx.all.all().iter().filter(|c| c.id != collection.id);
    let mut others_for_ids = ctx.all.all().iter().filter(|c| c.id != collection.id);
    if others.clone().any(|c| c.name.eq_ignore_ascii_case(name)) {
        return Some(FieldError::new(
            "validation_collection_name_exists",
            "Collection name must be unique (case insensitive).",
        ));
    }
    if others_for_ids.any(|c| c.id.eq_ignore_ascii_case(name)) {
        return Some(FieldError::new(
            "validation_collection_name_id_duplicate",
            "The name must not match an existing collection id.",
        ));
    }
    let renamed = ctx.existing.is_none_or(|e| !e.name.eq_ignore_ascii_case(name));
    if renamed && ctx.internal_tables.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return Some(FieldError::new(
            "validation_collection_name_invalid",
            "The name shouldn't match with an existing internal table.",
        ));
    }
    None
}

fn validate_rules(
    collection: &Collection,
    ctx: &ValidationContext<'_>,
    errors: &mut ValidationErrors,
) {
    // (key, new value, stored value on update)
    type RuleChange<'a> = (&'a str, Option<&'a str>, Option<Option<&'a str>>);
    let mut rules: Vec<RuleChange<'_>> = vec![
        ("listRule", collection.list_rule.as_deref(), ctx.existing.map(|e| e.list_rule.as_deref())),
        ("viewRule", collection.view_rule.as_deref(), ctx.existing.map(|e| e.view_rule.as_deref())),
        (
            "createRule",
            collection.create_rule.as_deref(),
            ctx.existing.map(|e| e.create_rule.as_deref()),
        ),
        (
            "updateRule",
            collection.update_rule.as_deref(),
            ctx.existing.map(|e| e.update_rule.as_deref()),
        ),
        (
            "deleteRule",
            collection.delete_rule.as_deref(),
            ctx.existing.map(|e| e.delete_rule.as_deref()),
        ),
    ];
    if let Some(auth) = &collection.auth {
        let old = ctx.existing.and_then(|e| e.auth.as_ref());
        rules.push((
            "authRule",
            auth.auth_rule.as_deref(),
            ctx.existing.map(|_| old.and_then(|o| o.auth_rule.as_deref())),
        ));
        rules.push((
            "manageRule",
            auth.manage_rule.as_deref(),
            ctx.existing.map(|_| old.and_then(|o| o.manage_rule.as_deref())),
        ));
    }
    let system = ctx.existing.is_some_and(|e| e.system);
    let is_view = collection.collection_type == CollectionType::View;
    for (key, rule, old) in rules {
        // compat: views have no create/update/delete (spec §1, view collections).
        let writes = matches!(key, "createRule" | "updateRule" | "deleteRule");
        if is_view && writes && rule.is_some() {
            errors.add(key, FieldError::new("validation_nil", "Must be blank."));
            continue;
        }
        if system && old.is_some_and(|old| old != rule) {
            errors.add(
                key,
                FieldError::new(
                    "validation_collection_system_rule_change",
                    "System collection API rule cannot be changed.",
                ),
            );
            continue;
        }
        match rule {
            Some("") if key == "manageRule" => {
                errors.add(
                    key,
                    FieldError::new("validation_nil_or_not_empty_required", "Cannot be blank."),
                );
            }
            Some(text) if !text.trim().is_empty() => {
                if let Err(raw) = (ctx.check_rule)(collection, text) {
                    errors.add(key, invalid_rule(&raw));
                }
            }
            _ => {}
        }
    }
}

/// `validation_invalid_rule` with PocketBase's `Invalid rule. Raw error: ...` wording.
pub fn invalid_rule(raw: &str) -> FieldError {
    FieldError::new(
        "validation_invalid_rule",
        format!("Invalid rule. Raw error: {}.", raw.trim_end_matches('.')),
    )
}

fn validate_fields(
    collection: &Collection,
    ctx: &ValidationContext<'_>,
    errors: &mut ValidationErrors,
) {
    let is_auth = collection.collection_type == CollectionType::Auth;
    if collection.fields.is_empty() {
        errors.add("fields", FieldError::required());
    }
    let is_view = collection.collection_type == CollectionType::View;
    if let Some(existing) = ctx.existing.filter(|_| !is_view) {
        let removed_system = existing.fields.iter().filter(|f| f.system).any(|old| {
            collection.fields.iter().find(|f| f.id == old.id).is_none_or(|new| new.name != old.name)
        });
        if removed_system {
            errors.add(
                "fields",
                FieldError::new(
                    "validation_system_field_change",
                    "System fields cannot be deleted or renamed.",
                ),
            );
        }
    }
    let primary_keys = collection.fields.iter().filter(|f| f.is_primary_key()).count();
    if primary_keys == 0 {
        errors.add(
            "fields",
            FieldError::new(
                "validation_missing_primary_key",
                "Missing or invalid \"id\" PK field.",
            ),
        );
    }
    let mut list = ValidationErrors::new();
    for (i, field) in collection.fields.iter().enumerate() {
        let mut field_errors = validate_field_options(field, is_auth);
        if primary_keys > 1 && field.is_primary_key() {
            field_errors.add(
                "primaryKey",
                FieldError::new(
                    "validation_unsupported_composite_pk",
                    "Composite PKs are not supported and the collection must have only 1 PK.",
                ),
            );
        }
        let duplicate =
            collection.fields[..i].iter().any(|f| f.name.eq_ignore_ascii_case(&field.name));
        if duplicate && !field.name.is_empty() {
            field_errors.add(
                "name",
                FieldError::with_param(
                    "validation_duplicated_field_name",
                    format!("Duplicated or invalid field name {}.", field.name),
                    "fieldName",
                    serde_json::Value::from(field.name.as_str()),
                ),
            );
        }
        // Views regenerate their fields from the query; a type change is no change to them.
        let old = ctx
            .existing
            .filter(|_| !is_view)
            .and_then(|e| e.fields.iter().find(|f| f.id == field.id));
        if let Some(old) = old {
            if old.type_name() != field.type_name() {
                let error = FieldError::new(
                    "validation_field_type_change",
                    "Field type cannot be changed.",
                );
                list.add(i.to_string(), error);
                continue;
            }
        }
        if let FieldOptions::Relation(options) = &field.options {
            relation_errors(collection, ctx, field, options, &mut field_errors);
        }
        list.add_nested(i.to_string(), field_errors);
    }
    errors.add_nested("fields", list);
}

fn relation_errors(
    collection: &Collection,
    ctx: &ValidationContext<'_>,
    field: &crate::model::Field,
    options: &crate::model::field::RelationOptions,
    errors: &mut ValidationErrors,
) {
    if options.collection_id.is_empty() {
        return;
    }
    let old_target = ctx
        .existing
        .and_then(|e| e.fields.iter().find(|f| f.id == field.id))
        .and_then(|f| match &f.options {
            FieldOptions::Relation(o) => Some(o.collection_id.as_str()),
            _ => None,
        });
    if old_target.is_some_and(|old| old != options.collection_id) {
        errors.add(
            "collectionId",
            FieldError::new(
                "validation_field_relation_change",
                "The relation collection cannot be changed.",
            ),
        );
        return;
    }
    let target = if options.collection_id == collection.id {
        Some(collection.collection_type)
    } else {
        ctx.all.all().iter().find(|c| c.id == options.collection_id).map(|c| c.collection_type)
    };
    match target {
        None => errors.add(
            "collectionId",
            FieldError::new(
                "validation_field_relation_missing_collection",
                "The relation collection doesn't exist.",
            ),
        ),
        Some(CollectionType::View) if collection.collection_type != CollectionType::View => errors
            .add(
                "collectionId",
                FieldError::new(
                    "validation_relation_field_non_view_base_collection",
                    "Only view collections are allowed to have relations to other views.",
                ),
            ),
        Some(_) => {}
    }
}

fn validate_indexes(collection: &Collection, errors: &mut ValidationErrors) {
    if collection.collection_type == CollectionType::View {
        if !collection.indexes.is_empty() {
            errors.add(
                "indexes",
                FieldError::new(
                    "validation_indexes_not_supported",
                    "View collections don't support indexes.",
                ),
            );
        }
        return;
    }
    let mut list = ValidationErrors::new();
    let mut names: Vec<String> = Vec::new();
    for (i, sql) in collection.indexes.iter().enumerate() {
        match IndexSql::parse(sql) {
            None => list.add(
                i.to_string(),
                FieldError::new(
                    "validation_invalid_index_expression",
                    "Invalid CREATE INDEX expression.",
                ),
            ),
            Some(index) => {
                let lower = index.name.to_ascii_lowercase();
                if names.contains(&lower) {
                    list.add(
                        i.to_string(),
                        FieldError::new(
                            "validation_duplicated_index_name",
                            "The index name already exists.",
                        ),
                    );
                }
                names.push(lower);
            }
        }
    }
    errors.add_nested("indexes", list);
}

fn validate_auth_options(
    collection: &Collection,
    ctx: &ValidationContext<'_>,
    errors: &mut ValidationErrors,
) {
    let Some(auth) = &collection.auth else { return };
    if auth.mfa.enabled {
        let mut mfa = ValidationErrors::new();
        duration_range(&mut mfa, auth.mfa.duration, 10, 86_400);
        if !auth.mfa.rule.trim().is_empty() {
            if let Err(raw) = (ctx.check_rule)(collection, &auth.mfa.rule) {
                mfa.add("rule", invalid_rule(&raw));
            }
        }
        errors.add_nested("mfa", mfa);
    }
    if auth.otp.enabled {
        let mut otp = ValidationErrors::new();
        if auth.otp.duration <= 0 {
            otp.add("duration", FieldError::required());
        } else {
            duration_range(&mut otp, auth.otp.duration, 10, 86_400);
        }
        if auth.otp.length <= 0 {
            otp.add("length", FieldError::required());
        } else if auth.otp.length < 4 {
            otp.add("length", min_threshold(4));
        }
        errors.add_nested("otp", otp);
    }
    for (key, template) in [
        ("verificationTemplate", &auth.verification_template),
        ("resetPasswordTemplate", &auth.reset_password_template),
        ("confirmEmailChangeTemplate", &auth.confirm_email_change_template),
    ] {
        errors.add_nested(key, template_errors(template));
    }
    let mut alert = ValidationErrors::new();
    alert.add_nested("emailTemplate", template_errors(&auth.auth_alert.email_template));
    errors.add_nested("authAlert", alert);
    let mut otp_template = ValidationErrors::new();
    otp_template.add_nested("emailTemplate", template_errors(&auth.otp.email_template));
    errors.add_nested("otp", otp_template);
    for (key, token) in [
        ("authToken", &auth.auth_token),
        ("passwordResetToken", &auth.password_reset_token),
        ("emailChangeToken", &auth.email_change_token),
        ("verificationToken", &auth.verification_token),
        ("fileToken", &auth.file_token),
    ] {
        let mut token_errors = ValidationErrors::new();
        if token.duration == 0 {
            token_errors.add("duration", FieldError::required());
        } else {
            duration_range(&mut token_errors, token.duration, 10, 94_670_856);
        }
        if token.secret.is_empty() {
            token_errors.add("secret", FieldError::required());
        } else if token.secret.chars().count() < 30 {
            token_errors.add(
                "secret",
                FieldError {
                    code: "validation_length_out_of_range".to_owned(),
                    message: "The length must be between 30 and 255.".to_owned(),
                    params: json!({"max": 255, "min": 30}).as_object().cloned(),
                },
            );
        }
        errors.add_nested(key, token_errors);
    }
    let mut identity = ValidationErrors::new();
    if auth.password_auth.enabled {
        for (i, name) in auth.password_auth.identity_fields.iter().enumerate() {
            let indexed = collection.field(name).is_some()
                && collection.indexes.iter().filter_map(|s| IndexSql::parse(s)).any(|index| {
                    index.unique
                        && index.single_column().is_some_and(|c| c.eq_ignore_ascii_case(name))
                });
            if !indexed {
                identity.add(
                    i.to_string(),
                    FieldError::new(
                        "validation_missing_unique_constraint",
                        format!("The identity field {name} must have a UNIQUE index."),
                    ),
                );
            }
        }
    }
    let mut password_auth = ValidationErrors::new();
    password_auth.add_nested("identityFields", identity);
    errors.add_nested("passwordAuth", password_auth);
}

fn template_errors(template: &crate::model::collection::EmailTemplate) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if template.body.is_empty() {
        errors.add("body", FieldError::required());
    }
    if template.subject.is_empty() {
        errors.add("subject", FieldError::required());
    }
    errors
}

fn duration_range(errors: &mut ValidationErrors, duration: i64, min: i64, max: i64) {
    if duration < min {
        errors.add("duration", min_threshold(min));
    } else if duration > max {
        errors.add("duration", max_threshold(max));
    }
}
