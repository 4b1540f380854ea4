//! `bukuma audit`: recounts every stored counter from the rows it counts.

use bukuma_api::Config;
use bukuma_db::{audit, Backend, Db};
use diesel::RunQueryDsl;

use super::AnyError;

/// Prints each counter that differs from a recount; fails when one does.
pub fn audit() -> Result<(), AnyError> {
    let config = Config::from_env()?;
    // The primary alone, and one snapshot for all the recounts, so that
    // writes going on meanwhile are not reported as differences.
    let db = Db::connect(&config.database_url, 1)?;
    db.migrate()?;
    let started = std::time::Instant::now();
    let postgres = db.backend() == Backend::Postgres;
    let problems = db.write(|c| {
        if postgres {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(c)?;
        }
        audit::check_counters(c)
    })?;
    for p in &problems {
        println!("{p}");
    }
    let took = started.elapsed().as_secs_f64();
    if problems.is_empty() {
        eprintln!("counters exact ({took:.1} s)");
        Ok(())
    } else {
        Err(format!(
            "{} counters differ from a recount ({took:.1} s)",
            problems.len()
        )
        .into())
    }
}
