//! The options of an auth collection (password, OTP, MFA, OAuth2, token durations and secrets,
//! email templates) with PocketBase's keys, defaults and order.
//! See `../shared/spec/collections-and-fields.md` §1 (auth-only keys).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Secrets;
use super::templates;
use crate::model::id::new_secret;

/// An email subject and HTML body with `{APP_NAME}`-style placeholders.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailTemplate {
    /// Subject line.
    pub subject: String,
    /// HTML body.
    pub body: String,
}

impl EmailTemplate {
    fn of(subject: &str, body: &str) -> Self {
        Self { subject: subject.to_owned(), body: body.to_owned() }
    }
}

/// `authAlert`: email on login from a new location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthAlertOptions {
    /// Send alerts.
    pub enabled: bool,
    /// The alert email.
    pub email_template: EmailTemplate,
}

impl Default for AuthAlertOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            email_template: EmailTemplate::of(
                templates::AUTH_ALERT_SUBJECT,
                templates::AUTH_ALERT_BODY,
            ),
        }
    }
}

/// One configured OAuth2 provider.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuth2Provider {
    /// Provider key (`google`, ...).
    pub name: String,
    /// Client id.
    pub client_id: String,
    /// Client secret (write-only).
    pub client_secret: String,
    /// Authorization endpoint override.
    #[serde(rename = "authURL")]
    pub auth_url: String,
    /// Token endpoint override.
    #[serde(rename = "tokenURL")]
    pub token_url: String,
    /// User info endpoint override.
    #[serde(rename = "userInfoURL")]
    pub user_info_url: String,
    /// Display name override.
    pub display_name: String,
    /// PKCE on/off; `null` = provider default.
    pub pkce: Option<bool>,
    /// Provider-specific extras.
    pub extra: serde_json::Map<String, Value>,
}

/// Which provider user attributes fill which record fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuth2MappedFields {
    /// Field for the provider user id.
    pub id: String,
    /// Field for the display name.
    pub name: String,
    /// Field for the username.
    pub username: String,
    /// Field for the avatar (downloaded into a file field).
    #[serde(rename = "avatarURL")]
    pub avatar_url: String,
}

/// `oauth2`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuth2Options {
    /// Configured providers.
    pub providers: Vec<OAuth2Provider>,
    /// Field mapping.
    pub mapped_fields: OAuth2MappedFields,
    /// OAuth2 on/off.
    pub enabled: bool,
}

/// `passwordAuth`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PasswordAuthOptions {
    /// Password auth on/off.
    pub enabled: bool,
    /// Fields an identity may match, `email` first by default.
    pub identity_fields: Vec<String>,
}

impl Default for PasswordAuthOptions {
    fn default() -> Self {
        Self { enabled: true, identity_fields: vec!["email".to_owned()] }
    }
}

/// `mfa`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MfaOptions {
    /// MFA on/off.
    pub enabled: bool,
    /// Seconds between the two factors.
    pub duration: i64,
    /// Which records need MFA (`""` = all).
    pub rule: String,
}

impl Default for MfaOptions {
    fn default() -> Self {
        Self { enabled: false, duration: 600, rule: String::new() }
    }
}

/// `otp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OtpOptions {
    /// OTP on/off.
    pub enabled: bool,
    /// Seconds an OTP stays valid.
    pub duration: i64,
    /// Digits in a code.
    pub length: i64,
    /// The OTP email.
    pub email_template: EmailTemplate,
}

impl Default for OtpOptions {
    fn default() -> Self {
        Self {
            enabled: false,
            duration: 180,
            length: 8,
            email_template: EmailTemplate::of(templates::OTP_SUBJECT, templates::OTP_BODY),
        }
    }
}

/// A token kind's signing secret and lifetime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenOptions {
    /// Appended to the record's `tokenKey` to form the HS256 key; never output by the API.
    pub secret: String,
    /// Lifetime in seconds.
    pub duration: i64,
}

impl Default for TokenOptions {
    fn default() -> Self {
        Self::with_duration(0)
    }
}

impl TokenOptions {
    /// A fresh random secret with `duration` seconds.
    pub fn with_duration(duration: i64) -> Self {
        Self { secret: new_secret(), duration }
    }
}

/// Everything specific to an auth collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthOptions {
    /// Who may authenticate (`null` = nobody, `""` = anyone).
    pub auth_rule: Option<String>,
    /// Who may manage other records of the collection (`null` = superusers only).
    pub manage_rule: Option<String>,
    /// New-location login alerts.
    pub auth_alert: AuthAlertOptions,
    /// OAuth2.
    pub oauth2: OAuth2Options,
    /// Password auth.
    pub password_auth: PasswordAuthOptions,
    /// MFA.
    pub mfa: MfaOptions,
    /// One-time passwords.
    pub otp: OtpOptions,
    /// Auth tokens.
    pub auth_token: TokenOptions,
    /// Password reset tokens.
    pub password_reset_token: TokenOptions,
    /// Email change tokens.
    pub email_change_token: TokenOptions,
    /// Verification tokens.
    pub verification_token: TokenOptions,
    /// Protected file tokens.
    pub file_token: TokenOptions,
    /// Verification email.
    pub verification_template: EmailTemplate,
    /// Password reset email.
    pub reset_password_template: EmailTemplate,
    /// Email change confirmation email.
    pub confirm_email_change_template: EmailTemplate,
}

impl Default for AuthOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl AuthOptions {
    /// PocketBase's defaults for a new auth collection, with fresh secrets.
    pub fn new() -> Self {
        Self {
            auth_rule: Some(String::new()),
            manage_rule: None,
            auth_alert: AuthAlertOptions::default(),
            oauth2: OAuth2Options::default(),
            password_auth: PasswordAuthOptions::default(),
            mfa: MfaOptions::default(),
            otp: OtpOptions::default(),
            auth_token: TokenOptions::with_duration(432_000),
            password_reset_token: TokenOptions::with_duration(1800),
            email_change_token: TokenOptions::with_duration(1800),
            verification_token: TokenOptions::with_duration(86_400),
            file_token: TokenOptions::with_duration(180),
            verification_template: EmailTemplate::of(
                templates::VERIFICATION_SUBJECT,
                templates::VERIFICATION_BODY,
            ),
            reset_password_template: EmailTemplate::of(
                templates::RESET_PASSWORD_SUBJECT,
                templates::RESET_PASSWORD_BODY,
            ),
            confirm_email_change_template: EmailTemplate::of(
                templates::CONFIRM_EMAIL_CHANGE_SUBJECT,
                templates::CONFIRM_EMAIL_CHANGE_BODY,
            ),
        }
    }

    /// Go's zero value: what a collection that was never an auth collection carries (all
    /// empty), so turning it into one reports every missing option.
    pub fn zero() -> Self {
        let token = || TokenOptions { secret: String::new(), duration: 0 };
        Self {
            auth_rule: None,
            manage_rule: None,
            auth_alert: AuthAlertOptions {
                enabled: false,
                email_template: EmailTemplate::default(),
            },
            oauth2: OAuth2Options::default(),
            password_auth: PasswordAuthOptions { enabled: false, identity_fields: Vec::new() },
            mfa: MfaOptions { enabled: false, duration: 0, rule: String::new() },
            otp: OtpOptions {
                enabled: false,
                duration: 0,
                length: 0,
                email_template: EmailTemplate::default(),
            },
            auth_token: token(),
            password_reset_token: token(),
            email_change_token: token(),
            verification_token: token(),
            file_token: token(),
            verification_template: EmailTemplate::default(),
            reset_password_template: EmailTemplate::default(),
            confirm_email_change_template: EmailTemplate::default(),
        }
    }

    /// Reads stored options; missing keys take the defaults, and a missing secret gets a
    /// fresh one (so a token can never be signed with an empty secret).
    pub fn from_json(value: &Value) -> Result<Self, serde_json::Error> {
        let mut options: Self = serde_json::from_value(value.clone())?;
        let defaults = Self::new();
        for (token, default) in [
            (&mut options.auth_token, &defaults.auth_token),
            (&mut options.password_reset_token, &defaults.password_reset_token),
            (&mut options.email_change_token, &defaults.email_change_token),
            (&mut options.verification_token, &defaults.verification_token),
            (&mut options.file_token, &defaults.file_token),
        ] {
            if token.secret.is_empty() {
                token.secret = new_secret();
            }
            if token.duration == 0 {
                token.duration = default.duration;
            }
        }
        Ok(options)
    }

    /// Reads options exactly as sent (missing keys default, nothing regenerated).
    pub fn from_json_exact(value: &Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value.clone())
    }

    /// The options as JSON in PocketBase's order.
    pub fn to_json(&self, secrets: Secrets) -> Value {
        serde_json::to_value(self.ordered(secrets)).unwrap_or(Value::Null)
    }

    pub(super) fn ordered(&self, secrets: Secrets) -> OrderedAuthOptions<'_> {
        fn token(t: &TokenOptions, secrets: Secrets) -> TokenJson<'_> {
            TokenJson {
                secret: (secrets == Secrets::Include).then_some(t.secret.as_str()),
                duration: t.duration,
            }
        }
        OrderedAuthOptions {
            auth_rule: &self.auth_rule,
            manage_rule: &self.manage_rule,
            auth_alert: &self.auth_alert,
            oauth2: OAuth2Json {
                providers: self
                    .oauth2
                    .providers
                    .iter()
                    .map(|p| ProviderJson {
                        provider: p,
                        client_secret: (secrets == Secrets::Include)
                            .then_some(p.client_secret.as_str()),
                    })
                    .collect(),
                mapped_fields: &self.oauth2.mapped_fields,
                enabled: self.oauth2.enabled,
            },
            password_auth: &self.password_auth,
            mfa: &self.mfa,
            otp: &self.otp,
            auth_token: token(&self.auth_token, secrets),
            password_reset_token: token(&self.password_reset_token, secrets),
            email_change_token: token(&self.email_change_token, secrets),
            verification_token: token(&self.verification_token, secrets),
            file_token: token(&self.file_token, secrets),
            verification_template: &self.verification_template,
            reset_password_template: &self.reset_password_template,
            confirm_email_change_template: &self.confirm_email_change_template,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderedAuthOptions<'a> {
    auth_rule: &'a Option<String>,
    manage_rule: &'a Option<String>,
    auth_alert: &'a AuthAlertOptions,
    oauth2: OAuth2Json<'a>,
    password_auth: &'a PasswordAuthOptions,
    mfa: &'a MfaOptions,
    otp: &'a OtpOptions,
    auth_token: TokenJson<'a>,
    password_reset_token: TokenJson<'a>,
    email_change_token: TokenJson<'a>,
    verification_token: TokenJson<'a>,
    file_token: TokenJson<'a>,
    verification_template: &'a EmailTemplate,
    reset_password_template: &'a EmailTemplate,
    confirm_email_change_template: &'a EmailTemplate,
}

#[derive(Serialize)]
struct TokenJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    duration: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OAuth2Json<'a> {
    providers: Vec<ProviderJson<'a>>,
    mapped_fields: &'a OAuth2MappedFields,
    enabled: bool,
}

struct ProviderJson<'a> {
    provider: &'a OAuth2Provider,
    client_secret: Option<&'a str>,
}

impl Serialize for ProviderJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let p = self.provider;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &p.name)?;
        map.serialize_entry("clientId", &p.client_id)?;
        if let Some(secret) = self.client_secret {
            map.serialize_entry("clientSecret", secret)?;
        }
        map.serialize_entry("authURL", &p.auth_url)?;
        map.serialize_entry("tokenURL", &p.token_url)?;
        map.serialize_entry("userInfoURL", &p.user_info_url)?;
        map.serialize_entry("displayName", &p.display_name)?;
        map.serialize_entry("pkce", &p.pkce)?;
        map.serialize_entry("extra", &p.extra)?;
        map.end()
    }
}
