//! `bukuma`: the server and its operations commands.

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use actix_web::{web, HttpServer};
use bukuma_api::import_export::{self as portability, ExportFormat};
use bukuma_api::{auth, jobs, openapi, AppState, Config};
use bukuma_db::models::NewUser;
use bukuma_db::{now_micros, users, Db};
use bukuma_domain::{Password, Role, Username};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "bukuma", version, about = "A social bookmarking service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API and the web app.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Recompute hot scores once.
    RecomputeHot,
    /// Import a Netscape bookmark file or Pinboard JSON export into a user's bookmarks.
    Import {
        /// The user who gets the bookmarks.
        #[arg(long)]
        user: String,
        /// Make Netscape bookmarks without a PRIVATE attribute public (default: private).
        #[arg(long)]
        public: bool,
        /// The file (UTF-8).
        file: std::path::PathBuf,
    },
    /// Write all of a user's bookmarks (private ones too) to standard output.
    Export {
        #[arg(long)]
        user: String,
        #[arg(long, value_enum, default_value = "netscape")]
        format: ExportFormat,
    },
    /// Fill an empty database with a deterministic synthetic dataset (benchmarks).
    /// Every user's password is `bench-password`.
    Seed(SeedArgs),
}

#[derive(clap::Args)]
struct SeedArgs {
    #[arg(long)]
    users: u32,
    #[arg(long)]
    bookmarks: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write sample targets for load generators (usernames, entry ids, tags) into this directory.
    #[arg(long)]
    manifest: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        username: String,
        /// Give the user the admin role.
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        display_name: Option<String>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bukuma: {e}");
            ExitCode::FAILURE
        }
    }
}

type AnyError = Box<dyn std::error::Error + Send + Sync>;

fn open_db(config: &Config) -> Result<Db, AnyError> {
    let db = Db::connect(&config.database_url, config.pool_size)?;
    db.migrate()?;
    Ok(db)
}

fn run(command: Command) -> Result<(), AnyError> {
    match command {
        Command::Openapi => {
            print!("{}", openapi::json());
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            open_db(&config)?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::RecomputeHot => {
            let config = Config::from_env()?;
            let n = jobs::recompute_hot(&open_db(&config)?)?;
            eprintln!("{n} hot entries");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    admin,
                    display_name,
                },
        } => {
            let config = Config::from_env()?;
            let db = open_db(&config)?;
            let username = Username::parse(&username).map_err(|e| format!("username: {e}"))?;
            let password = read_password()?;
            let password = Password::parse(&password).map_err(|e| format!("password: {e}"))?;
            let hash = auth::hash_password(password.expose()).map_err(|e| e.to_string())?;
            let display = display_name.unwrap_or_else(|| username.as_str().to_owned());
            let display = bukuma_domain::DisplayName::parse(&display)
                .map_err(|e| format!("display name: {e}"))?;
            let role = if admin { Role::Admin } else { Role::User };
            let user = db.write(|c| {
                let now = now_micros();
                users::create(
                    c,
                    &NewUser {
                        username: username.as_str(),
                        username_lower: &username.lower(),
                        display_name: display.as_str(),
                        bio: "",
                        role: role.as_str(),
                        password_hash: &hash,
                        created_at: now,
                        updated_at: now,
                    },
                )
            })?;
            eprintln!("created {} ({})", user.username, user.role);
            Ok(())
        }
        Command::Import { user, public, file } => {
            let config = Config::from_env()?;
            let db = open_db(&config)?;
            let user_id = find_user(&db, &user)?;
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let bar = indicatif::ProgressBar::new(portability::estimate_count(&text) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} bookmarks ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let opts = bukuma_portability::ImportOptions {
                private_by_default: !public,
            };
            let report =
                portability::import(&db, user_id, &text, opts, config.new_entry_threshold, |n| {
                    if n as u64 > bar.length().unwrap_or(0) {
                        bar.set_length(n as u64);
                    }
                    bar.set_position(n as u64);
                })?;
            bar.finish_and_clear();
            for e in &report.errors {
                eprintln!("line {}: {}", e.line, e.reason);
            }
            if report.errors_omitted > 0 {
                eprintln!("… and {} more errors", report.errors_omitted);
            }
            eprintln!(
                "{} file: {} imported, {} updated, {} unchanged, {} not imported",
                report.format,
                report.imported,
                report.updated,
                report.skipped,
                report.errors.len() as u64 + report.errors_omitted
            );
            Ok(())
        }
        Command::Export { user, format } => {
            let config = Config::from_env()?;
            let db = open_db(&config)?;
            let user_id = find_user(&db, &user)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let n = portability::export(&db, user_id, format, &mut out)?;
            eprintln!("exported {n} bookmarks");
            Ok(())
        }
        Command::Serve => serve(),
        Command::Seed(args) => seed(args),
    }
}

fn find_user(db: &Db, name: &str) -> Result<i64, AnyError> {
    let name = name.to_owned();
    db.read(|c| users::find_by_name(c, &name))?
        .map(|u| u.id)
        .ok_or_else(|| format!("no user named {name:?}").into())
}

/// The password of every seeded user.
const SEED_PASSWORD: &str = "bench-password";

fn seed(args: SeedArgs) -> Result<(), AnyError> {
    use bukuma_db::seed::{self, SeedConfig};
    let config = Config::from_env()?;
    // One connection: on SQLite the loader switches the journal off while it runs.
    let db = Db::connect(&config.database_url, 1)?;
    db.migrate()?;
    let cfg = SeedConfig {
        users: args.users,
        bookmarks: args.bookmarks,
        seed: args.seed,
        now: now_micros(),
        password_hash: auth::hash_password(SEED_PASSWORD).map_err(|e| e.to_string())?,
        new_entry_threshold: config.new_entry_threshold,
        exclusive: true,
    };
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{msg:>9} [{bar:40}] {pos}/{len} ({per_sec}, {elapsed})",
        )?
        .progress_chars("=> "),
    );
    let mut phase = None;
    let report = seed::seed(&mut *db.conn()?, &cfg, &mut |p, done, total| {
        if phase != Some(p) {
            phase = Some(p);
            bar.reset();
            bar.set_message(format!("{p:?}").to_lowercase());
        }
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if let Some(dir) = &args.manifest {
        seed::write_manifest(&report.manifest, dir)?;
    }
    let total = report.total_secs();
    eprintln!(
        "seeded {} users, {} entries (largest: {} bookmarks), {} bookmarks ({} private, {} comments), \
         {} bookmark tags, {} user tags, {} user sites, {} entry tags, {} stars",
        report.users, report.entries, report.max_entry_bookmarks, report.bookmarks,
        report.private_bookmarks, report.comments, report.bookmark_tags, report.user_tags,
        report.user_sites, report.entry_tags, report.stars
    );
    eprintln!(
        "time: generate {:.2}s, rows+indexes {:.2}s, analyze {:.2}s, total {total:.2}s = {:.0} bookmarks/s",
        report.generate_secs,
        report.load_secs,
        report.analyze_secs,
        report.bookmarks as f64 / total.max(1e-9)
    );
    Ok(())
}

/// The password from a terminal prompt, or the first line of standard input.
fn read_password() -> Result<String, AnyError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            return Err("passwords differ".into());
        }
        Ok(first)
    } else {
        let mut s = String::new();
        std::io::stdin().take(4096).read_to_string(&mut s)?;
        Ok(s.lines().next().unwrap_or("").to_owned())
    }
}

#[actix_web::main]
async fn serve() -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = {
        let config = config.clone();
        web::block(move || open_db(&config))
            .await
            .map_err(|e| e.to_string())??
    };
    tracing::info!(backend = db.backend().name(), bind = %config.bind, "bukuma serving");
    jobs::spawn(db.clone(), Duration::from_secs(config.hot_interval_secs));
    if config.fetch_metadata {
        let fetcher = bukuma_fetch::Fetcher::new(bukuma_fetch::FetchConfig {
            allow_private: config.fetch_allow.clone(),
            ..bukuma_fetch::FetchConfig::default()
        })?;
        jobs::spawn_fetcher(db.clone(), fetcher);
    }
    let bind = config.bind.clone();
    let state = web::Data::new(AppState::new(db, config));
    HttpServer::new(move || bukuma_api::app(state.clone()))
        .bind(&bind)?
        .shutdown_timeout(20)
        .run()
        .await?;
    tracing::info!("bukuma stopped");
    Ok(())
}
