//! `GET /api/settings` and `PATCH /api/settings` (superusers only).
//! See `../shared/spec/files-batch-settings-misc.md` §4.

pub mod update;
pub mod view;
