//! The argument grammar: PocketBase's global flags (camelCase names, same defaults), `serve`
//! and `superuser` sub-commands. Boolean flags accept `--flag`, `--flag=true|false`.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

/// wasmbase: a PocketBase-compatible backend with WebAssembly hooks.
#[derive(Debug, Parser)]
#[command(
    name = "wasmbase",
    about = "wasmbase CLI",
    disable_help_subcommand = true,
    disable_version_flag = true
)]
pub struct Cli {
    /// version for wasmbase
    #[arg(short = 'v', long = "version", action = ArgAction::SetTrue)]
    pub version: bool,
    /// Flags shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command; none prints the help.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command accepts (anywhere on the line).
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// the data directory
    #[arg(long, global = true, default_value = "./pb_data", env = "WASMBASE_DIR")]
    pub dir: PathBuf,
    /// enable dev mode, aka. printing logs and sql statements to the console
    #[arg(long, global = true, action = ArgAction::Set, num_args = 0..=1, default_value_t = false, default_missing_value = "true")]
    pub dev: bool,
    /// the directory with the WebAssembly hooks (default: pb_hooks next to the data dir)
    #[arg(long = "hooksDir", global = true, env = "WASMBASE_HOOKS_DIR")]
    pub hooks_dir: Option<PathBuf>,
    /// auto reload the hooks on pb_hooks file change
    #[arg(long = "hooksWatch", global = true, action = ArgAction::Set, num_args = 0..=1, default_value_t = true, default_missing_value = "true")]
    pub hooks_watch: bool,
    /// accepted for PocketBase compatibility (wasm hooks use a fresh instance per call)
    #[arg(long = "hooksPool", global = true, default_value_t = 15)]
    pub hooks_pool: u32,
    /// the directory to serve static files
    #[arg(
        long = "publicDir",
        global = true,
        default_value = "./pb_public",
        env = "WASMBASE_PUBLIC_DIR"
    )]
    pub public_dir: PathBuf,
    /// fallback the request to index.html on missing static path, e.g. when pretty urls are used with SPA
    #[arg(long = "indexFallback", global = true, action = ArgAction::Set, num_args = 0..=1, default_value_t = true, default_missing_value = "true")]
    pub index_fallback: bool,
    /// accepted for PocketBase compatibility (collection changes are not written as JS migrations)
    #[arg(long, global = true, action = ArgAction::Set, num_args = 0..=1, default_value_t = true, default_missing_value = "true")]
    pub automigrate: bool,
    /// accepted for PocketBase compatibility (JS migrations are not run)
    #[arg(long = "migrationsDir", global = true)]
    pub migrations_dir: Option<PathBuf>,
    /// the env variable whose value of 32 characters will be used as encryption key for the app settings (not supported yet)
    #[arg(long = "encryptionEnv", global = true)]
    pub encryption_env: Option<String>,
    /// the default SELECT queries timeout in seconds
    #[arg(long = "queryTimeout", global = true, default_value_t = 30)]
    pub query_timeout: u64,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Starts the web server (default to 127.0.0.1:8090 if no domain is specified)
    Serve(ServeArgs),
    /// Manage superusers
    Superuser {
        /// The superuser command.
        #[command(subcommand)]
        command: Option<SuperuserCommand>,
    },
    /// Checks that a running server answers its health endpoint with 200 (for container health checks)
    Healthcheck(HealthcheckArgs),
    /// Executes app DB migration scripts (not supported: system migrations run on start)
    #[command(hide = true)]
    Migrate {
        /// Ignored.
        args: Vec<String>,
    },
}

/// `serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Domain names (TLS with automatic certificates is not supported yet).
    pub domains: Vec<String>,
    /// TCP address to listen for the HTTP server (default 127.0.0.1:8090, or 0.0.0.0:80 with domains)
    #[arg(long, env = "WASMBASE_HTTP")]
    pub http: Option<String>,
    /// TCP address to listen for the HTTPS server (not supported yet)
    #[arg(long)]
    pub https: Option<String>,
    /// CORS allowed domain origins list
    #[arg(long, value_delimiter = ',', default_value = "*")]
    pub origins: Vec<String>,
}

/// `healthcheck` flags.
#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// the URL to GET (default: /api/health on the WASMBASE_HTTP address, else 127.0.0.1:8090)
    #[arg(long, env = "WASMBASE_HEALTHCHECK_URL")]
    pub url: Option<String>,
    /// seconds to wait for the answer
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

/// `superuser` sub-commands; arguments are checked by the commands themselves so the messages
/// match PocketBase's.
#[derive(Debug, Subcommand)]
pub enum SuperuserCommand {
    /// Creates a new superuser
    Create {
        /// EMAIL PASSWORD
        args: Vec<String>,
    },
    /// Creates, or updates if email exists, a single superuser
    Upsert {
        /// EMAIL PASSWORD
        args: Vec<String>,
    },
    /// Changes the password of a single superuser
    Update {
        /// EMAIL PASSWORD
        args: Vec<String>,
    },
    /// Deletes an existing superuser
    Delete {
        /// EMAIL
        args: Vec<String>,
    },
    /// Creates a new OTP for the specified superuser
    Otp {
        /// EMAIL
        args: Vec<String>,
    },
    /// Updates the superuser IPs whitelist setting (space separated IPs/subnets; empty to clear)
    Ips {
        /// IP or CIDR values
        args: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pocketbase_style_flags() {
        let cli = Cli::try_parse_from([
            "wasmbase",
            "serve",
            "--http=127.0.0.1:9000",
            "--dir",
            "/x",
            "--dev",
        ])
        .unwrap();
        assert!(cli.global.dev);
        assert_eq!(cli.global.dir, PathBuf::from("/x"));
        match cli.command {
            Some(Command::Serve(args)) => assert_eq!(args.http.as_deref(), Some("127.0.0.1:9000")),
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from([
            "wasmbase",
            "--hooksWatch=false",
            "superuser",
            "upsert",
            "a@b.co",
            "pass",
        ])
        .unwrap();
        assert!(!cli.global.hooks_watch);
    }
}
