//! `wasmbase superuser create|upsert|update|delete|otp|ips`, with PocketBase's argument
//! checks, messages and exit codes. See `../shared/spec/files-batch-settings-misc.md` §10.

use super::args::{GlobalArgs, SuperuserCommand};
use crate::app::{App, AppConfig};
use crate::model::collection::SUPERUSERS;
use crate::model::field::validate::is_email;
use crate::model::settings_validation::is_ip_or_cidr;
use crate::records::superusers::{self, Deleted, SuperuserError};

/// Runs one superuser command against the data dir.
pub async fn run(global: &GlobalArgs, command: SuperuserCommand) -> Result<(), String> {
    let app = App::open(AppConfig::for_data_dir(&global.dir)).await.map_err(|e| e.to_string())?;
    let result = execute(&app, command).await;
    let closing = app.clone();
    let _ = tokio::task::spawn_blocking(move || closing.close()).await;
    result
}

fn email_and_password(args: &[String]) -> Result<(&str, &str), String> {
    match args {
        [email, password] => Ok((email, password)),
        _ => Err("missing email and password arguments".to_owned()),
    }
}

/// compat: `delete` and `otp` take the first argument and ignore the rest.
fn email_only(args: &[String]) -> Result<&str, String> {
    match args.first() {
        Some(email) if is_email(email) => Ok(email),
        _ => Err("invalid or missing email address".to_owned()),
    }
}

async fn execute(app: &App, command: SuperuserCommand) -> Result<(), String> {
    match command {
        SuperuserCommand::Create { args } => {
            let (email, password) = email_and_password(&args)?;
            superusers::create(app, email, password).await.map_err(|e| match e {
                SuperuserError::InvalidEmail => e.to_string(),
                other => format!("failed to create new superuser account: {other}"),
            })?;
            println!("Successfully created new superuser {email:?}!");
        }
        SuperuserCommand::Upsert { args } => {
            let (email, password) = email_and_password(&args)?;
            superusers::upsert(app, email, password).await.map_err(|e| match e {
                SuperuserError::InvalidEmail => e.to_string(),
                other => format!("failed to upsert superuser account: {other}"),
            })?;
            println!("Successfully saved superuser {email:?}!");
        }
        SuperuserCommand::Update { args } => {
            let (email, password) = email_and_password(&args)?;
            superusers::update_password(app, email, password).await.map_err(|e| match e {
                SuperuserError::InvalidEmail | SuperuserError::NotFound(_) => e.to_string(),
                other => format!("failed to change superuser {email:?} password: {other}"),
            })?;
            println!("Successfully changed superuser {email:?} password!");
        }
        SuperuserCommand::Delete { args } => {
            let email = email_only(&args)?;
            match superusers::delete(app, email).await {
                Ok(Deleted::Yes) => println!("Successfully deleted superuser {email:?}!"),
                // compat: PocketBase reports a missing superuser on stdout and exits 0.
                Ok(Deleted::Missing) => {
                    println!("superuser {email:?} is missing or already deleted")
                }
                Err(SuperuserError::InvalidEmail) => {
                    return Err(SuperuserError::InvalidEmail.to_string());
                }
                Err(e) => return Err(format!("failed to delete superuser {email:?}: {e}")),
            }
        }
        SuperuserCommand::Otp { args } => {
            let _email = email_only(&args)?;
            let otp_enabled = app
                .find_collection(SUPERUSERS)
                .and_then(|c| c.auth.as_ref().map(|a| a.otp.enabled))
                .unwrap_or(false);
            if !otp_enabled {
                return Err("OTP auth is not enabled for the _superusers collection".to_owned());
            }
            return Err("OTP auth is not supported yet".to_owned());
        }
        SuperuserCommand::Ips { args } => {
            let invalid: Vec<String> = args
                .iter()
                .enumerate()
                .filter(|(_, ip)| !is_ip_or_cidr(ip))
                .map(|(i, _)| format!("{i}: invalid IP or CIDR subnet"))
                .collect();
            if !invalid.is_empty() {
                return Err(format!("superuserIPs: ({}.).", invalid.join("; ")));
            }
            let mut settings = (*app.settings()).clone();
            settings.superuser_ips.clone_from(&args);
            app.save_settings(settings).await.map_err(|e| e.to_string())?;
            if args.is_empty() {
                println!("Successfully cleared SuperuserIPs setting!");
            } else {
                println!("Successfully updated SuperuserIPs setting:");
                for (i, ip) in args.iter().enumerate() {
                    let branch = if i + 1 == args.len() { "└─" } else { "├─" };
                    println!("{branch} {ip}");
                }
            }
        }
    }
    Ok(())
}
