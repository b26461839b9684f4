//! The checks PocketBase's record form runs on auth records before field validation:
//! `password`/`passwordConfirm` on create, `oldPassword` when an owner changes the password,
//! and `email`/`verified` changes reserved to superusers and managers. When any fails, only
//! these errors are reported. See `../shared/spec/auth.md` §12.

use crate::auth::password;
use crate::model::record::{EMAIL, PASSWORD, VERIFIED};
use crate::model::{FieldError, Record, ValidationErrors};
use crate::records::input::AuthInput;

/// Checks on create; `manager` = superuser or a manageRule match.
pub fn check_create(record: &Record, auth: &AuthInput, manager: bool) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if !manager && record.get_bool(VERIFIED) {
        errors.add(VERIFIED, FieldError::values_mismatch());
    }
    let password = auth.password.as_deref().unwrap_or_default();
    let confirm = auth.password_confirm.as_deref().unwrap_or_default();
    if password.is_empty() {
        errors.add(PASSWORD, FieldError::required());
    }
    if confirm.is_empty() {
        errors.add("passwordConfirm", FieldError::required());
    } else if confirm != password {
        errors.add("passwordConfirm", FieldError::values_mismatch());
    }
    errors
}

/// Checks on update of `original` into `record`; `manager` = superuser or a manageRule match.
pub fn check_update(
    original: &Record,
    record: &Record,
    auth: &AuthInput,
    manager: bool,
) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if !manager {
        if record.get_str(EMAIL) != original.get_str(EMAIL) {
            errors.add(EMAIL, FieldError::values_mismatch());
        }
        if record.get_bool(VERIFIED) != original.get_bool(VERIFIED) {
            errors.add(VERIFIED, FieldError::values_mismatch());
        }
    }
    let Some(new_password) = auth.password.as_deref().filter(|p| !p.is_empty()) else {
        return errors;
    };
    let confirm = auth.password_confirm.as_deref().unwrap_or_default();
    if confirm.is_empty() {
        errors.add("passwordConfirm", FieldError::required());
    } else if confirm != new_password {
        errors.add("passwordConfirm", FieldError::values_mismatch());
    }
    if !manager {
        match auth.old_password.as_deref().filter(|p| !p.is_empty()) {
            None => errors.add("oldPassword", FieldError::required()),
            Some(old) if !password::verify(old, original.get_str(PASSWORD)) => errors.add(
                "oldPassword",
                FieldError::new(
                    "validation_invalid_old_password",
                    "Missing or invalid old password.",
                ),
            ),
            Some(_) => {}
        }
    }
    errors
}
