//! `bukuma seed`: a deterministic synthetic dataset for benchmarks.

use bukuma_api::{auth, Config};
use bukuma_db::{now_micros, Db};

use super::AnyError;

#[derive(clap::Args)]
pub struct SeedArgs {
    #[arg(long)]
    users: u32,
    #[arg(long)]
    bookmarks: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write sample targets for load generators (usernames, entry ids, tags) into this directory.
    #[arg(long)]
    manifest: Option<std::path::PathBuf>,
    /// The most active users the manifest lists.
    #[arg(long, default_value_t = bukuma_seed::ManifestSize::default().users)]
    manifest_users: usize,
    /// The most bookmarked entries the manifest lists.
    #[arg(long, default_value_t = bukuma_seed::ManifestSize::default().entries)]
    manifest_entries: usize,
}

/// The password of every seeded user.
const SEED_PASSWORD: &str = "bench-password";

pub fn seed(args: SeedArgs) -> Result<(), AnyError> {
    use bukuma_seed::{self as seed, SeedConfig};
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
        manifest: seed::ManifestSize {
            users: args.manifest_users,
            entries: args.manifest_entries,
        },
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
         {} bookmark tags, {} user tags, {} user sites, {} entry tags, {} stars, {} follows",
        report.users, report.entries, report.max_entry_bookmarks, report.bookmarks,
        report.private_bookmarks, report.comments, report.bookmark_tags, report.user_tags,
        report.user_sites, report.entry_tags, report.stars, report.follows
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
