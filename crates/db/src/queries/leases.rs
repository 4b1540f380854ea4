//! Leases on background jobs, so that among several server processes only
//! one runs a job at a time.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::per_backend;
use crate::schema::job_leases;

/// Takes or renews the lease `name` for `holder` until `until`; false when
/// another holder has an unexpired lease.
pub fn acquire(
    conn: &mut DbConnection,
    name: &str,
    holder: &str,
    now: i64,
    until: i64,
) -> Result<bool, DbError> {
    let inserted = per_backend!(conn, |c| diesel::insert_into(job_leases::table)
        .values((
            job_leases::name.eq(name),
            job_leases::holder.eq(holder),
            job_leases::expires_at.eq(until),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(true);
    }
    let taken = diesel::update(
        job_leases::table.find(name).filter(
            job_leases::holder
                .eq(holder)
                .or(job_leases::expires_at.lt(now)),
        ),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::expires_at.eq(until),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Names of the leases some holder has until after `now`.
pub fn held(conn: &mut DbConnection, now: i64) -> Result<Vec<String>, DbError> {
    Ok(job_leases::table
        .filter(job_leases::expires_at.gt(now))
        .select(job_leases::name)
        .order(job_leases::name)
        .load(conn)?)
}
