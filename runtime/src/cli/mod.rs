//! The command line, mirroring PocketBase's: `serve`, `superuser {create,upsert,update,delete,
//! otp,ips}`, the global flags with PocketBase's names and defaults, `--help`, `--version`; plus
//! `healthcheck` (not in PocketBase) for container images.
//! Failures print a Go-log-style line (`2026/11/24 16:50:28 message`) on stderr and exit 1,
//! as PocketBase does. See `../shared/spec/files-batch-settings-misc.md` §10.

#![allow(clippy::print_stdout, clippy::print_stderr)] // compat: printing is this module's job.

mod args;
mod healthcheck;
mod serve;
mod superuser;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

pub use args::{Cli, Command, GlobalArgs, HealthcheckArgs, ServeArgs, SuperuserCommand};

/// The exit code PocketBase uses for every failure.
const FAILURE: u8 = 1;

/// Parses the process arguments, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return exit_for_parse_error(&error),
    };
    if let Some(Command::Healthcheck(args)) = &cli.command {
        // Blocking and tiny: no async runtime, no tracing.
        return match healthcheck::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => fail(&message),
        };
    }
    init_tracing(cli.global.dev);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    let result = runtime.block_on(run(cli));
    // Database threads are joined by the commands; don't wait for stray blocking tasks.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    if cli.version {
        println!("wasmbase version {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    match cli.command {
        None => {
            print_help(&[]);
            Ok(())
        }
        Some(Command::Serve(args)) => serve::run(&cli.global, &args).await,
        Some(Command::Superuser { command: None }) => {
            print_help(&["superuser"]);
            Ok(())
        }
        Some(Command::Superuser { command: Some(command) }) => {
            superuser::run(&cli.global, command).await
        }
        Some(Command::Healthcheck(args)) => healthcheck::run(&args),
        Some(Command::Migrate { args: _ }) => Err(
            "the migrate command is not supported: wasmbase applies its system migrations on start"
                .to_owned(),
        ),
    }
}

fn print_help(path: &[&str]) {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut bin_name = "wasmbase".to_owned();
    for name in path {
        match command.find_subcommand_mut(name) {
            Some(sub) => {
                bin_name = format!("{bin_name} {name}");
                command = sub.clone().bin_name(bin_name.clone());
            }
            None => break,
        }
    }
    let _ = command.print_help();
}

fn exit_for_parse_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::InvalidSubcommand => {
            let name = invalid_value(error).unwrap_or_default();
            if std::env::args().nth(1).as_deref() == Some("superuser") {
                // compat: cobra prints the group's help for an unknown sub-command, exit 0.
                print_help(&["superuser"]);
                return ExitCode::SUCCESS;
            }
            fail(&format!("unknown command \"{name}\" for \"wasmbase\""))
        }
        ErrorKind::UnknownArgument => {
            fail(&format!("unknown flag: {}", invalid_value(error).unwrap_or_default()))
        }
        _ => {
            let rendered =
                error.kind().as_str().map(str::to_owned).unwrap_or_else(|| error.to_string());
            fail(rendered.lines().next().unwrap_or("invalid arguments"))
        }
    }
}

fn invalid_value(error: &clap::Error) -> Option<String> {
    match error
        .get(clap::error::ContextKind::InvalidSubcommand)
        .or_else(|| error.get(clap::error::ContextKind::InvalidArg))
    {
        Some(clap::error::ContextValue::String(value)) => Some(value.clone()),
        _ => None,
    }
}

/// Prints `message` the way Go's `log.Fatal` does and returns the failure code.
pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("{} {message}", go_log_time());
    ExitCode::from(FAILURE)
}

/// `2026/11/24 16:50:28`, Go's `log.LstdFlags` prefix.
pub(crate) fn go_log_time() -> String {
    chrono::Local::now().format("%Y/%m/%d %H:%M:%S").to_string()
}

fn init_tracing(dev: bool) {
    let default = if dev { "wasmbase=debug,info" } else { "wasmbase=info,warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("WASMBASE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only on a terminal: container logs and files get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}
