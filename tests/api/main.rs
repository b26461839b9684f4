//! The integration test binary: API tests through real HTTP on loopback against in-process
//! servers, and differential scenarios against `pocketbase-ref`.

mod auth;
mod blog;
mod diff_auth;
mod diff_auth_rules;
mod diff_batch;
mod diff_collections;
mod diff_files;
mod diff_filters;
mod diff_http;
mod diff_manage;
mod diff_queries;
mod diff_realtime;
mod diff_realtime_writes;
mod diff_records;
mod diff_rules;
mod diff_settings;
mod diff_views;
mod hooks;
mod persistence;
mod post_filters;
mod realtime;
