//! The filter functions as SQL: `geoDistance(lonA, latA, lonB, latB)` as the Haversine
//! distance in km (SQLite's `acos`/`cos`/`sin`/`radians`, see `math.rs`) and
//! `strftime(format, [time, modifier...])` with NULL results normalised like text fields.
//! Error texts are PocketBase's. See `../shared/spec/filters-and-rules.md` §4 (Functions).

use super::builder::QueryBuilder;
use super::error::ResolveError;
use super::operand::resolve_operand;
use super::param::Param;
use super::resolved::{NullFallback, Resolved};
use crate::query::filter::functions::{STRFTIME_MAX_ARGS, check_function};
use crate::query::filter::{FilterErrorKind, Function, KnownFunction, Operand};

/// Resolves a function call operand.
pub(crate) fn resolve_function(
    b: &mut QueryBuilder<'_>,
    function: &Function,
) -> Result<Resolved, ResolveError> {
    let known = check_function(function)
        .map_err(|error| ResolveError::Function(function_error_text(&error.kind)))?;
    match known {
        KnownFunction::GeoDistance => geo_distance(b, function),
        KnownFunction::Strftime => strftime(b, function),
    }
}

/// PocketBase's wording for a function call it rejects.
pub(crate) fn function_error_text(kind: &FilterErrorKind) -> String {
    match kind {
        FilterErrorKind::UnknownFunction(name) => format!("unknown function {name:?}"),
        FilterErrorKind::WrongArgCount { function: "geoDistance", found, .. } => {
            format!("[geoDistance] expected 4 arguments, got {found}")
        }
        FilterErrorKind::WrongArgCount { found: 0, .. } => {
            "[strftime] expected at least 1 arguments, got 0".to_owned()
        }
        FilterErrorKind::WrongArgCount { found, .. } => {
            format!("[strftime] too many arguments (max allowed {STRFTIME_MAX_ARGS}, got {found})")
        }
        FilterErrorKind::InvalidArgument { function: "geoDistance", index, .. } => {
            format!("[geoDistance] argument {index} must be an identifier or number")
        }
        FilterErrorKind::InvalidArgument { index: 0, .. } => {
            "[strftime] expects the first argument to be a format string".to_owned()
        }
        FilterErrorKind::InvalidArgument { index: 1, .. } => {
            "[strftime] expects the second argument to be of a valid time-value type".to_owned()
        }
        FilterErrorKind::InvalidArgument { index, .. } => {
            let modifier = index.saturating_sub(2);
            format!("[strftime] invalid modifier argument {modifier} - can be only string")
        }
        other => other.to_string(),
    }
}

fn geo_distance(b: &mut QueryBuilder<'_>, function: &Function) -> Result<Resolved, ResolveError> {
    let mut args: Vec<Resolved> = Vec::with_capacity(4);
    for (i, arg) in function.args.iter().enumerate() {
        let resolved = resolve_operand(b, arg).map_err(|e| {
            ResolveError::Function(format!("[geoDistance] failed to resolve argument {i}: {e}"))
        })?;
        args.push(resolved);
    }
    let [lon_a, lat_a, lon_b, lat_b] = [0, 1, 2, 3].map(|i| args.get(i).map_or("NULL", |a| &a.sql));
    let sql = format!(
        "(6371 * acos(cos(radians({lat_a})) * cos(radians({lat_b})) * \
         cos(radians({lon_b}) - radians({lon_a})) + sin(radians({lat_a})) * sin(radians({lat_b}))))"
    );
    // compat: no "every value" constraint for multi-valued arguments (spec §4).
    let params = args.into_iter().flat_map(|a| a.params).collect();
    Ok(Resolved { sql, params, null_fallback: NullFallback::Disabled, ..Resolved::default() })
}

fn text_param(b: &mut QueryBuilder<'_>, operand: &Operand) -> Option<Resolved> {
    match operand {
        Operand::Text(text) => Some(Resolved::param(b.push_param(Param::Text(text.value.clone())))),
        _ => None,
    }
}

fn strftime(b: &mut QueryBuilder<'_>, function: &Function) -> Result<Resolved, ResolveError> {
    let invalid = |index: usize| {
        ResolveError::Function(function_error_text(&FilterErrorKind::InvalidArgument {
            function: "strftime",
            index,
            expected: "",
        }))
    };
    let mut args = function.args.iter();
    let format = args.next().and_then(|arg| text_param(b, arg)).ok_or_else(|| invalid(0))?;
    let Some(time_arg) = args.next() else {
        let sql = format!("strftime({})", format.sql);
        return Ok(Resolved { sql, null_fallback: NullFallback::Enforced, ..format });
    };
    let time = resolve_operand(b, time_arg).map_err(|e| {
        ResolveError::Function(format!("[strftime] failed to resolve time-value argument: {e}"))
    })?;
    let mut modifiers = Vec::new();
    for (i, arg) in args.enumerate() {
        modifiers.push(text_param(b, arg).ok_or_else(|| invalid(i + 2))?);
    }
    let call = |time_sql: &str| {
        let mut sql = format!("strftime({},{time_sql}", format.sql);
        for modifier in &modifiers {
            sql.push(',');
            sql.push_str(&modifier.sql);
        }
        sql.push(')');
        sql
    };
    let sql = call(&time.sql);
    let multi = time.multi.map(|mut mm| {
        mm.value = call(&mm.value);
        mm
    });
    let mut params = format.params.clone();
    params.extend(time.params);
    params.extend(modifiers.iter().flat_map(|m| m.params.iter().copied()));
    Ok(Resolved {
        sql,
        params,
        null_fallback: NullFallback::Enforced,
        multi,
        ..Resolved::default()
    })
}
