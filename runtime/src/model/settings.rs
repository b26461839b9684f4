//! Application settings as stored in `_params` (row `settings`) and returned by
//! `GET /api/settings`, with PocketBase's defaults and key order. Secrets (`smtp.password`,
//! `s3.secret`, `backups.s3.secret`) are stored but never returned.
//! See `../shared/spec/files-batch-settings-misc.md` §4.

use serde::{Deserialize, Serialize};

/// All settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// IPs/CIDRs superusers must come from (empty = any).
    #[serde(rename = "superuserIPs")]
    pub superuser_ips: Vec<String>,
    /// Outgoing mail.
    pub smtp: SmtpSettings,
    /// Scheduled backups.
    pub backups: BackupsSettings,
    /// File storage on S3.
    pub s3: S3Settings,
    /// App name, URL, sender.
    pub meta: MetaSettings,
    /// Rate limiting.
    pub rate_limits: RateLimitsSettings,
    /// Reverse proxy headers.
    pub trusted_proxy: TrustedProxySettings,
    /// `/api/batch`.
    pub batch: BatchSettings,
    /// Request logs.
    pub logs: LogsSettings,
}

/// `smtp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SmtpSettings {
    /// Use SMTP (else the local sendmail).
    pub enabled: bool,
    /// Server port.
    pub port: u16,
    /// Server host.
    pub host: String,
    /// Login.
    pub username: String,
    /// Password (never returned).
    pub password: String,
    /// `PLAIN`, `LOGIN` or empty.
    pub auth_method: String,
    /// Implicit TLS.
    pub tls: bool,
    /// HELO name.
    pub local_name: String,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            port: 587,
            host: "smtp.example.com".to_owned(),
            username: String::new(),
            password: String::new(),
            auth_method: String::new(),
            tls: false,
            local_name: String::new(),
        }
    }
}

/// `s3` and `backups.s3`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct S3Settings {
    /// Use S3.
    pub enabled: bool,
    /// Bucket name.
    pub bucket: String,
    /// Region.
    pub region: String,
    /// Endpoint URL.
    pub endpoint: String,
    /// Access key.
    pub access_key: String,
    /// Secret (never returned; omitted from storage when empty, as PocketBase does).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub secret: String,
    /// Path-style addressing.
    pub force_path_style: bool,
}

/// `backups`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BackupsSettings {
    /// Cron expression for automatic backups (empty = off).
    pub cron: String,
    /// Automatic backups kept.
    pub cron_max_keep: i64,
    /// Backups storage.
    pub s3: S3Settings,
}

impl Default for BackupsSettings {
    fn default() -> Self {
        Self { cron: String::new(), cron_max_keep: 3, s3: S3Settings::default() }
    }
}

/// `meta`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MetaSettings {
    /// Dashboard accent colour.
    pub accent_color: String,
    /// Application name.
    pub app_name: String,
    /// Public URL.
    #[serde(rename = "appURL")]
    pub app_url: String,
    /// Mail sender name.
    pub sender_name: String,
    /// Mail sender address.
    pub sender_address: String,
    /// Hide collection editing in the dashboard.
    pub hide_controls: bool,
}

impl Default for MetaSettings {
    fn default() -> Self {
        Self {
            accent_color: "#1055c9".to_owned(),
            app_name: "Acme".to_owned(),
            app_url: "http://localhost:8090".to_owned(),
            sender_name: "Support".to_owned(),
            sender_address: "support@example.com".to_owned(),
            hide_controls: false,
        }
    }
}

/// One rate-limit rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RateLimitRule {
    /// Route/tag the rule applies to.
    pub label: String,
    /// `""`, `@guest` or `@auth`.
    pub audience: String,
    /// Window in seconds.
    pub duration: i64,
    /// Requests allowed per window.
    pub max_requests: i64,
}

/// `rateLimits`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RateLimitsSettings {
    /// Rules, most specific first.
    pub rules: Vec<RateLimitRule>,
    /// IPs never limited.
    #[serde(rename = "excludedIPs")]
    pub excluded_ips: Vec<String>,
    /// Rate limiting on/off.
    pub enabled: bool,
}

impl Default for RateLimitsSettings {
    fn default() -> Self {
        let rule = |label: &str, duration, max_requests| RateLimitRule {
            label: label.to_owned(),
            audience: String::new(),
            duration,
            max_requests,
        };
        Self {
            rules: vec![
                rule("*:auth", 3, 2),
                rule("*:create", 5, 20),
                rule("/api/batch", 1, 3),
                rule("/api/", 10, 300),
            ],
            excluded_ips: Vec::new(),
            enabled: false,
        }
    }
}

/// `trustedProxy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TrustedProxySettings {
    /// Headers carrying the client IP.
    pub headers: Vec<String>,
    /// Take the leftmost IP of a list.
    #[serde(rename = "useLeftmostIP")]
    pub use_leftmost_ip: bool,
}

/// `batch`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchSettings {
    /// `/api/batch` on/off.
    pub enabled: bool,
    /// Requests per batch.
    pub max_requests: i64,
    /// Seconds for the whole transaction.
    pub timeout: i64,
    /// Bytes (0 = 128 MiB).
    pub max_body_size: i64,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self { enabled: false, max_requests: 50, timeout: 3, max_body_size: 0 }
    }
}

/// `logs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LogsSettings {
    /// Max bytes of a log's data (0 = no limit).
    pub max_data_size: i64,
    /// Days logs are kept (0 = no request logs).
    pub max_days: i64,
    /// Lowest slog level stored.
    pub min_level: i64,
    /// Store the client IP.
    #[serde(rename = "logIP")]
    pub log_ip: bool,
    /// Store the auth record id.
    pub log_auth_id: bool,
}

impl Default for LogsSettings {
    fn default() -> Self {
        Self { max_data_size: 0, max_days: 5, min_level: 0, log_ip: true, log_auth_id: false }
    }
}

impl Settings {
    /// The settings as the API returns them: secrets removed, PocketBase's key order.
    pub fn to_api_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        for path in [&["smtp", "password"][..], &["s3", "secret"], &["backups", "s3", "secret"]] {
            remove_path(&mut value, path);
        }
        value
    }
}

fn remove_path(value: &mut serde_json::Value, path: &[&str]) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut current = value;
    for key in parents {
        match current.get_mut(*key) {
            Some(next) => current = next,
            None => return,
        }
    }
    if let Some(object) = current.as_object_mut() {
        object.remove(*last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_pocketbase_json() {
        let stored = r##"{"superuserIPs":[],"smtp":{"enabled":false,"port":587,"host":"smtp.example.com","username":"","password":"","authMethod":"","tls":false,"localName":""},"backups":{"cron":"","cronMaxKeep":3,"s3":{"enabled":false,"bucket":"","region":"","endpoint":"","accessKey":"","forcePathStyle":false}},"s3":{"enabled":false,"bucket":"","region":"","endpoint":"","accessKey":"","forcePathStyle":false},"meta":{"accentColor":"#1055c9","appName":"Acme","appURL":"http://localhost:8090","senderName":"Support","senderAddress":"support@example.com","hideControls":false},"rateLimits":{"rules":[{"label":"*:auth","audience":"","duration":3,"maxRequests":2},{"label":"*:create","audience":"","duration":5,"maxRequests":20},{"label":"/api/batch","audience":"","duration":1,"maxRequests":3},{"label":"/api/","audience":"","duration":10,"maxRequests":300}],"excludedIPs":[],"enabled":false},"trustedProxy":{"headers":[],"useLeftmostIP":false},"batch":{"enabled":false,"maxRequests":50,"timeout":3,"maxBodySize":0},"logs":{"maxDataSize":0,"maxDays":5,"minLevel":0,"logIP":true,"logAuthId":false}}"##;
        let parsed: Settings = serde_json::from_str(stored).unwrap();
        assert_eq!(parsed, Settings::default());
        assert_eq!(serde_json::to_string(&Settings::default()).unwrap(), stored);
    }

    #[test]
    fn api_json_has_no_secrets() {
        let json = Settings::default().to_api_json();
        assert!(json["smtp"].get("password").is_none());
        assert!(json["s3"].get("secret").is_none());
        assert!(json["backups"]["s3"].get("secret").is_none());
    }
}
