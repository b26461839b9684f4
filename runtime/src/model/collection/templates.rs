//! PocketBase 0.40's default email templates for auth collections (subjects and HTML bodies
//! with `{APP_NAME}`, `{APP_URL}`, `{TOKEN}`, `{OTP}` and `{ALERT_INFO}` placeholders).

pub(super) const AUTH_ALERT_SUBJECT: &str = "Login from a new location";
pub(super) const AUTH_ALERT_BODY: &str = "<p>Hello,</p>\n<p>We noticed a login to your {APP_NAME} account from a new location:</p>\n<p><em>{ALERT_INFO}</em></p>\n<p><strong>If this wasn't you, you should immediately change your {APP_NAME} account password to revoke access from all other locations.</strong></p>\n<p>If this was you, you may disregard this email.</p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";
pub(super) const OTP_SUBJECT: &str = "OTP for {APP_NAME}";
pub(super) const OTP_BODY: &str = "<p>Hello,</p>\n<p>Your one-time password is: <strong>{OTP}</strong></p>\n<p><i>If you didn't ask for the one-time password, you can ignore this email.</i></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";
pub(super) const VERIFICATION_SUBJECT: &str = "Verify your {APP_NAME} email";
pub(super) const VERIFICATION_BODY: &str = "<p>Hello,</p>\n<p>Thank you for joining us at {APP_NAME}.</p>\n<p>Click on the button below to verify your email address.</p>\n<p>\n  <a class=\"btn\" href=\"{APP_URL}/_/#/auth/confirm-verification/{TOKEN}\" target=\"_blank\" rel=\"noopener\">Verify</a>\n</p>\n<p><i>If you didn't recently register, please ignore this email.</i></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";
pub(super) const RESET_PASSWORD_SUBJECT: &str = "Reset your {APP_NAME} password";
pub(super) const RESET_PASSWORD_BODY: &str = "<p>Hello,</p>\n<p>Click on the button below to reset your password.</p>\n<p>\n  <a class=\"btn\" href=\"{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}\" target=\"_blank\" rel=\"noopener\">Reset password</a>\n</p>\n<p><i>If you didn't ask to reset your password, please ignore this email.</i></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";
pub(super) const CONFIRM_EMAIL_CHANGE_SUBJECT: &str = "Confirm your {APP_NAME} new email address";
pub(super) const CONFIRM_EMAIL_CHANGE_BODY: &str = "<p>Hello,</p>\n<p>Click on the button below to confirm your new email address.</p>\n<p>\n  <a class=\"btn\" href=\"{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}\" target=\"_blank\" rel=\"noopener\">Confirm new email</a>\n</p>\n<p><i>If you didn't ask to change your email address, please ignore this email.</i></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";
