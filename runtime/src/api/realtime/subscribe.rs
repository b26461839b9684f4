//! `POST /api/realtime`: replaces a client's subscriptions and binds the request's auth to it.
//! Checks in PocketBase's order: the form (`clientId` 1–255 characters, at most 1000
//! subscriptions of at most 2500 characters each), the client (404), the IP it connected from
//! (400), then the auth: guest → auth is an upgrade, any other change is refused (403).
//! Success is 204. See `../shared/spec/realtime.md` §3.

use std::collections::HashSet;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::app::App;
use crate::http::ApiError;
use crate::http::extract::body::BodyKind;
use crate::http::extract::client_ip::client_ip;
use crate::http::extract::{Auth, BodyError, FormBody};
use crate::model::{FieldError, ValidationErrors};
use crate::realtime::topic::Subscription;

/// Most subscriptions one client may hold.
pub const MAX_SUBSCRIPTIONS: usize = 1000;
/// Longest subscription string.
pub const MAX_SUBSCRIPTION_LEN: usize = 2500;

/// The handler.
pub async fn subscribe(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Auth(auth): Auth,
    body: Result<FormBody, BodyError>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|error| match error {
        BodyError::TooLarge => ApiError::from(error),
        // compat: PocketBase answers every body it cannot bind here with the generic 400
        // (`BadRequestError("", err)`), the content type included (realtime.md §3).
        BodyError::Malformed | BodyError::Unsupported => ApiError::bad_request_default(),
    })?;
    let (client_id, subscriptions) = read_form(&body)?;
    validate(&client_id, &subscriptions)?;
    let client = app
        .realtime()
        .get(&client_id)
        .ok_or_else(|| ApiError::not_found("Missing or invalid client id."))?;
    if client.ip() != client_ip(&app.settings().trusted_proxy, &headers, peer) {
        return Err(ApiError::bad_request("Invalid realtime client."));
    }
    if let Some(current) = client.auth() {
        let same = auth.as_ref().is_some_and(|a| {
            a.record.id() == current.record.id() && a.collection.id == current.collection.id
        });
        if !same {
            return Err(ApiError::forbidden(
                "The current and the previous request authorization don't match.",
            ));
        }
    }
    client.set_subscriptions(parse_set(&subscriptions), auth);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The subscription set: empty strings are ignored and duplicates count once (PocketBase keeps
/// the set as a map keyed by the subscription string).
fn parse_set(subscriptions: &[String]) -> Vec<Subscription> {
    let mut seen = HashSet::new();
    subscriptions
        .iter()
        .filter(|s| !s.is_empty() && seen.insert(s.as_str()))
        .map(|s| Subscription::parse(s))
        .collect()
}

/// `clientId` and `subscriptions` as bound from JSON or a form (a bad type is a generic 400).
fn read_form(body: &FormBody) -> Result<(String, Vec<String>), ApiError> {
    let client_id = body.string("clientId").map_err(|_| ApiError::bad_request_default())?;
    let subscriptions = match body.get_ci("subscriptions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(one)) if body.kind != BodyKind::Json => vec![one.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(ApiError::bad_request_default)?,
        Some(_) => return Err(ApiError::bad_request_default()),
    };
    Ok((client_id, subscriptions))
}

fn validate(client_id: &str, subscriptions: &[String]) -> Result<(), ApiError> {
    let mut errors = ValidationErrors::new();
    let id_len = client_id.chars().count();
    if id_len == 0 {
        errors.add("clientId", FieldError::required());
    } else if id_len > 255 {
        errors.add(
            "clientId",
            length_error(
                "validation_length_out_of_range",
                "The length must be between 1 and 255.",
                1,
                255,
            ),
        );
    }
    if subscriptions.len() > MAX_SUBSCRIPTIONS {
        errors.add(
            "subscriptions",
            length_error(
                "validation_length_too_long",
                "The length must be no more than 1000.",
                0,
                MAX_SUBSCRIPTIONS,
            ),
        );
    } else {
        let mut items = ValidationErrors::new();
        for (index, subscription) in subscriptions.iter().enumerate() {
            if subscription.chars().count() > MAX_SUBSCRIPTION_LEN {
                items.add(
                    index.to_string(),
                    length_error(
                        "validation_length_too_long",
                        "The length must be no more than 2500.",
                        0,
                        MAX_SUBSCRIPTION_LEN,
                    ),
                );
            }
        }
        if !items.is_empty() {
            errors.add_nested("subscriptions", items);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation("Something went wrong while processing your request.", &errors))
    }
}

fn length_error(code: &str, message: &str, min: usize, max: usize) -> FieldError {
    let mut error = FieldError::new(code, message);
    if let Value::Object(params) = json!({ "min": min, "max": max }) {
        error.params = Some(params);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_ignores_empty_strings_and_duplicates() {
        let raw: Vec<String> = ["posts/*", "", "posts/*", "posts", "posts/*"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let set: Vec<String> = parse_set(&raw).into_iter().map(|s| s.raw).collect();
        assert_eq!(set, ["posts/*", "posts"]);
    }
}
