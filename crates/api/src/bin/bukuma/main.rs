//! `bukuma`: the server and its operations commands.

mod cmd;

use std::process::ExitCode;

use bukuma_api::import_export::ExportFormat;
use bukuma_api::{jobs, openapi, Config};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use cmd::{open_db, AnyError};

/// jemalloc rather than glibc's allocator: with glibc each of the many
/// request and blocking threads grows an arena of its own that keeps what
/// it once held, so the server's memory climbed with write load.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
    /// Manage invite codes (for BUKUMA_REGISTRATION=invite).
    Invite {
        #[command(subcommand)]
        command: InviteCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Bring hot scores up to date once, as the server's job does.
    RecomputeHot {
        /// Compute every score from the last week's bookmarks, not only
        /// those whose bookmarks changed since the job last ran.
        #[arg(long)]
        all: bool,
    },
    /// Compute related entries now: of the most bookmarked entries, or of all.
    RecomputeRelated {
        /// Only the lists of this many entries, the most bookmarked first.
        #[arg(long)]
        top: Option<usize>,
    },
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
    /// Entry categories.
    Categories {
        #[command(subcommand)]
        command: CategoriesCommand,
    },
    /// Rebuild or check the search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Write a consistent copy of the database to a new file while servers
    /// keep running (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump --format=custom`).
    Backup {
        /// The backup file to create.
        file: std::path::PathBuf,
    },
    /// Put a backup in the place of the database and rebuild the search
    /// index. Refused while a server runs on the database.
    Restore {
        /// A file `bukuma backup` wrote.
        file: std::path::PathBuf,
        /// PostgreSQL: restore even though a server seems to hold job leases.
        #[arg(long)]
        force: bool,
    },
    /// Recount every stored counter (bookmark, star, tag, follow and
    /// notification counts) from the rows it counts; prints each difference
    /// and fails when there is one.
    Audit,
    /// Fill an empty database with a deterministic synthetic dataset (benchmarks).
    /// Every user's password is `bench-password`.
    Seed(cmd::seed::SeedArgs),
}

#[derive(Subcommand)]
enum CategoriesCommand {
    /// Classify every entry that has no category yet or is due again
    /// (what the server's categories job does a few batches at a time).
    Backfill,
    /// Classify the committed evaluation set with the built-in model and
    /// print the accuracy and confusion table; fails below 75 %.
    Eval,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Build a new index from the database while writes go on, catch up with
    /// them, and switch every server on this host to it.
    Reindex,
    /// Compare a random sample of the index with the database.
    Verify {
        /// Entry ids and bookmark ids to sample, each.
        #[arg(long, default_value_t = 1000)]
        sample: usize,
    },
}

#[derive(Subcommand)]
enum InviteCommand {
    /// Make an invite code and print it (it is shown only this once).
    Create {
        /// Registrations the code is good for.
        #[arg(long, default_value_t = 1)]
        uses: i64,
        /// Days until the code expires (default: never).
        #[arg(long)]
        expires_days: Option<i64>,
    },
    /// List invites, newest first.
    List,
    /// Revoke an invite by its id.
    Revoke { id: i64 },
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
        Command::RecomputeHot { all } => {
            let config = Config::from_env()?;
            let db = open_db(&config)?;
            let n = if all {
                jobs::recompute_all_hot(&db)?
            } else {
                jobs::recompute_hot(&db)?
            };
            eprintln!("{n} hot scores written");
            Ok(())
        }
        Command::RecomputeRelated { top } => {
            let config = Config::from_env()?;
            let started = std::time::Instant::now();
            let n = bukuma_api::related::recompute_most_bookmarked(&open_db(&config)?, top)?;
            eprintln!(
                "related entries computed for {n} entries in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    admin,
                    display_name,
                },
        } => cmd::user::create(username, admin, display_name),
        Command::Invite { command } => match command {
            InviteCommand::Create { uses, expires_days } => cmd::invite::create(uses, expires_days),
            InviteCommand::List => cmd::invite::list(),
            InviteCommand::Revoke { id } => cmd::invite::revoke(id),
        },
        Command::Import { user, public, file } => cmd::transfer::import(user, public, file),
        Command::Export { user, format } => cmd::transfer::export(user, format),
        Command::Serve => cmd::serve::serve(),
        Command::Backup { file } => cmd::backup::backup(&file),
        Command::Restore { file, force } => cmd::backup::restore(&file, force),
        Command::Seed(args) => cmd::seed::seed(args),
        Command::Audit => cmd::audit::audit(),
        Command::Categories {
            command: CategoriesCommand::Eval,
        } => cmd::categories::eval(),
        Command::Categories {
            command: CategoriesCommand::Backfill,
        } => cmd::categories::backfill(),
        Command::Search {
            command: SearchCommand::Reindex,
        } => cmd::search::reindex(),
        Command::Search {
            command: SearchCommand::Verify { sample },
        } => cmd::search::verify(sample),
    }
}
