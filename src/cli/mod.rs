//! The command line: `serve` (the default), `import markdown`, `user add`,
//! `token create|list|revoke`, `migrate-db`, `enrich`, `backup`, `restore` and `doctor`. Commands
//! use the store and the domain, never the web layer's handlers.

mod db;
mod doctor;
mod enrich;
mod generate;
mod import;
mod token;
mod user;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

/// Dateline: a newsroom's website in one binary.
#[derive(Parser, Debug)]
#[command(name = "dateline", version, about)]
pub struct Cli {
    /// Data folder (database, media, secrets, dateline.toml). Default: ./dateline-data
    #[arg(long, global = true, env = "DATELINE_DATA_DIR")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the site (the default when no command is given).
    Serve(ServeArgs),
    /// Import content from files.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export the site.
    #[command(subcommand)]
    Export(import::ExportCommand),
    /// Manage newsroom accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Copy this SQLite site (articles, revisions, comments, users, tokens,
    /// media records, settings) into an empty PostgreSQL database, and check
    /// the row counts on both sides.
    MigrateDb(db::MigrateArgs),
    /// Add a large, deterministic set of articles (for benchmarks).
    Generate(generate::GenerateArgs),
    /// Read people, places, organisations, dated events and quotes from every
    /// article again (editors' decisions are kept).
    Enrich(enrich::EnrichArgs),
    /// Write a consistent copy of the SQLite database to FILE while the site serves.
    Backup {
        /// The new backup file.
        file: PathBuf,
    },
    /// Replace the site's content with a backup made by `dateline backup`, in
    /// one transaction (the current content is kept next to the database).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Check the set-up (folders, database, base_url and proxies, SMTP,
    /// clock) and say what to fix; exits with 1 when something is wrong.
    Doctor,
}

#[derive(clap::Args, Debug, Default)]
struct ServeArgs {
    /// Address to listen on, like 127.0.0.1:8080 or 0.0.0.0:80.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Do not create the demo site on an empty database.
    #[arg(long)]
    no_demo: bool,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("DATELINE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,html5ever=error"));
    let json = std::env::var("DATELINE_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let cfg = Config::load(cli.data.as_deref())?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(cfg, args).await,
        Command::Import(c) => import::run(cfg, c).await,
        Command::Export(c) => import::export(cfg, c).await,
        Command::User(c) => user::run(cfg, c).await,
        Command::Token(c) => token::run(cfg, c).await,
        Command::MigrateDb(a) => db::migrate(cfg, a).await,
        Command::Generate(a) => generate::run(cfg, a).await,
        Command::Enrich(a) => enrich::run(cfg, a).await,
        Command::Backup { file } => db::backup(cfg, file).await,
        Command::Restore { file } => db::restore(cfg, file).await,
        Command::Doctor => doctor::run(cfg).await,
    }
}

async fn serve(mut cfg: Config, args: ServeArgs) -> anyhow::Result<()> {
    if let Some(l) = args.listen {
        cfg.server.listen = l;
    }
    let app = crate::app::App::build(cfg, !args.no_demo).await?;
    println!("Dateline is serving http://{}/ (Ctrl-C to stop)", app.local_addr());
    app.run(crate::app::shutdown_signal()).await
}
