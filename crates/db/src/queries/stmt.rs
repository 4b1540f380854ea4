//! Fixed SQL statements that diesel keeps prepared.
//!
//! diesel prepares `UPDATE`s, upserts (`ON CONFLICT … DO UPDATE`), multi-row
//! inserts, `sql_query` and anything holding a `sql` literal anew on every
//! execution, because their text could vary between calls. The write path
//! runs a dozen such statements per bookmark; spelled as a [`Stmt`], whose
//! text is fixed, each is parsed and planned once per connection and then
//! only bound and stepped. Arguments go in as bind parameters, written `?`
//! in the text and numbered for PostgreSQL by diesel.

use std::borrow::Cow;
use std::fmt::Write as _;

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, Double, HasSqlType, Nullable, Text, Untyped};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::per_backend;

/// A bind parameter.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Float(f64),
    Text(&'a str),
    Bool(bool),
}

/// `(?, …), (?, …), …`: `rows` groups of `columns` parameters, the values
/// of a multi-row `INSERT` (one row: the list of an `IN`). The text
/// depends on the counts alone, so diesel keeps one prepared statement per
/// count.
pub fn values_sql(columns: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// One fixed statement with its arguments, one for each `?` of `sql`.
#[derive(Debug)]
pub struct Stmt<'a> {
    sql: &'a str,
    args: &'a [Arg<'a>],
}

impl<'a> Stmt<'a> {
    pub fn new(sql: &'a str, args: &'a [Arg<'a>]) -> Self {
        debug_assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        Stmt { sql, args }
    }

    /// Runs the statement; the number of rows it changed.
    pub fn execute(self, conn: &mut DbConnection) -> Result<usize, DbError> {
        Ok(per_backend!(conn, |c| RunQueryDsl::execute(self, c))?)
    }

    /// Runs the statement and reads its rows, by column name.
    pub fn load<T>(self, conn: &mut DbConnection) -> Result<Vec<T>, DbError>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        Ok(per_backend!(conn, |c| RunQueryDsl::load::<T>(self, c))?)
    }
}

/// Rows are read by column name, as those of `sql_query`.
impl Query for Stmt<'_> {
    type SqlType = Untyped;
}

impl<DB: ArgBackend> QueryFragment<DB> for Stmt<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut args = self.args.iter();
        let mut parts = self.sql.split('?');
        if let Some(first) = parts.next() {
            out.push_sql(first);
        }
        for part in parts {
            match args.next() {
                Some(arg) => DB::push_arg(&mut out, arg)?,
                None => {
                    return Err(diesel::result::Error::QueryBuilderError(
                        format!("missing argument in {:?}", self.sql).into(),
                    ))
                }
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

/// A backend that takes every [`Arg`] as a bind parameter (both of ours).
/// The blanket impl holds the bounds, so users name only this trait.
/// Public for statement types built outside this crate, such as the
/// benchmark loader's prepared multi-row `INSERT`s (`bukuma-seed`).
pub trait ArgBackend: Backend {
    fn push_arg<'b>(out: &mut AstPass<'_, 'b, Self>, arg: &'b Arg<'_>) -> QueryResult<()>;
}

impl<DB> ArgBackend for DB
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text> + HasSqlType<Bool> + HasSqlType<Double>,
    i64: ToSql<BigInt, DB>,
    Option<i64>: ToSql<Nullable<BigInt>, DB>,
    f64: ToSql<Double, DB>,
    str: ToSql<Text, DB>,
    bool: ToSql<Bool, DB>,
{
    fn push_arg<'b>(out: &mut AstPass<'_, 'b, DB>, arg: &'b Arg<'_>) -> QueryResult<()> {
        match arg {
            Arg::Int(v) => out.push_bind_param::<BigInt, i64>(v),
            Arg::OptInt(v) => out.push_bind_param::<Nullable<BigInt>, Option<i64>>(v),
            Arg::Float(v) => out.push_bind_param::<Double, f64>(v),
            Arg::Text(v) => out.push_bind_param::<Text, str>(*v),
            Arg::Bool(v) => out.push_bind_param::<Bool, bool>(v),
        }
    }
}

/// Data-modifying statements that neither read what another writes nor
/// touch the same rows, sent to PostgreSQL as one statement (all but the
/// last as data-modifying `WITH` clauses, which see one snapshot and run
/// together) and run one after another on SQLite, which has no
/// data-modifying CTEs. One round trip instead of one per statement.
#[derive(Debug, Default)]
pub struct Combined<'a> {
    parts: Vec<(Cow<'a, str>, Vec<Arg<'a>>)>,
    /// A locking query every part waits for (see [`Combined::after`]).
    gate: Option<(&'static str, Vec<Arg<'a>>)>,
}

impl<'a> Combined<'a> {
    pub fn push(&mut self, sql: impl Into<Cow<'a, str>>, args: Vec<Arg<'a>>) {
        let sql = sql.into();
        debug_assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        self.parts.push((sql, args));
    }

    /// Makes every statement of this write wait on PostgreSQL for `sql`, a
    /// query that locks rows (`… FOR NO KEY UPDATE`) and returns at most
    /// one row, in a column named `gate`: it becomes the CTE `g`, and each
    /// statement reads `g` (an `INSERT … VALUES` becomes `INSERT … SELECT
    /// v.* FROM g, (VALUES …) v`, an `UPDATE … WHERE` becomes `UPDATE …
    /// FROM g WHERE`), so no statement locks a row before `g` holds its
    /// lock, whatever order PostgreSQL runs them in; with no row in `g`
    /// they write nothing. A write outside a transaction takes its locks in
    /// the order of writes that lock the same row first in a statement of
    /// their own. SQLite, which runs one writer at a time, ignores it.
    pub fn after(&mut self, sql: &'static str, args: Vec<Arg<'a>>) {
        debug_assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        self.gate = Some((sql, args));
    }

    /// The PostgreSQL statement and its arguments, with `last` (when
    /// given) as the final statement after all pushed ones; `None` when
    /// there is nothing to run.
    fn joined(
        &self,
        last: Option<(&str, &[Arg<'a>])>,
    ) -> Result<Option<(String, Vec<Arg<'a>>)>, DbError> {
        let parts = self
            .parts
            .iter()
            .map(|(sql, args)| (sql.as_ref(), args.as_slice()))
            .chain(last)
            .map(|(sql, args)| match self.gate {
                Some(_) => Ok((Cow::Owned(gated(sql)?), args)),
                None => Ok((Cow::Borrowed(sql), args)),
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let Some(((last, last_args), init)) = parts.split_last() else {
            return Ok(None);
        };
        let mut sql = String::new();
        let mut args = Vec::with_capacity(parts.iter().map(|(_, a)| a.len()).sum());
        if let Some((gate, gate_args)) = &self.gate {
            let _ = write!(sql, "WITH g AS ({gate})");
            args.extend_from_slice(gate_args);
        }
        for (i, (part, part_args)) in init.iter().enumerate() {
            sql.push_str(if sql.is_empty() { "WITH " } else { ", " });
            let _ = write!(sql, "w{i} AS ({part})");
            args.extend_from_slice(part_args);
        }
        if !sql.is_empty() {
            sql.push(' ');
        }
        sql.push_str(last);
        args.extend_from_slice(last_args);
        Ok(Some((sql, args)))
    }

    pub fn execute(self, conn: &mut DbConnection) -> Result<(), DbError> {
        match conn {
            DbConnection::Pg(_) => {
                if let Some((sql, args)) = self.joined(None)? {
                    Stmt::new(&sql, &args).execute(conn)?;
                }
            }
            DbConnection::Sqlite(_) => self.execute_each(conn)?,
        }
        Ok(())
    }

    /// Runs the pushed statements one after another (SQLite).
    fn execute_each(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        for (sql, args) in &self.parts {
            Stmt::new(sql, args).execute(conn)?;
        }
        Ok(())
    }

    /// Runs the pushed statements and then `sql` (one with `RETURNING`,
    /// touching rows none of the others touch), and reads the rows it
    /// returns: still one round trip on PostgreSQL.
    pub fn execute_returning<T>(
        self,
        conn: &mut DbConnection,
        sql: &str,
        args: &[Arg<'a>],
    ) -> Result<Vec<T>, DbError>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        match conn {
            DbConnection::Pg(_) => {
                let (sql, args) = self.joined(Some((sql, args)))?.unwrap_or_default();
                Stmt::new(&sql, &args).load(conn)
            }
            DbConnection::Sqlite(_) => {
                self.execute_each(conn)?;
                Stmt::new(sql, args).load(conn)
            }
        }
    }
}

/// `sql` reading the CTE `g` of [`Combined::after`], so that it writes
/// only once `g` has returned its row.
fn gated(sql: &str) -> Result<String, DbError> {
    let unknown = || {
        DbError::Query(diesel::result::Error::QueryBuilderError(
            format!("no gated form of {sql:?}").into(),
        ))
    };
    if sql.starts_with("UPDATE ") {
        let at = sql.find(" WHERE ").ok_or_else(unknown)?;
        return Ok(format!("{} FROM g{}", &sql[..at], &sql[at..]));
    }
    if sql.starts_with("INSERT INTO ") {
        const VALUES: &str = " VALUES ";
        let start = sql.find(VALUES).ok_or_else(unknown)?;
        let end = sql[start..]
            .find(" ON CONFLICT ")
            .map_or(sql.len(), |i| start + i);
        return Ok(format!(
            "{} SELECT v.* FROM g, (VALUES {}) v{}",
            &sql[..start],
            &sql[start + VALUES.len()..end],
            &sql[end..]
        ));
    }
    Err(unknown())
}

/// Cached by its text: diesel keys statements without a static id by their SQL.
impl QueryId for Stmt<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for Stmt<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_statements_become_data_modifying_ctes_before_the_last() {
        let mut w = Combined::default();
        assert!(w.joined(None).expect("joined").is_none());
        w.push(
            "UPDATE a SET n = n + ? WHERE id = ?",
            vec![Arg::Int(1), Arg::Int(2)],
        );
        assert_eq!(
            w.joined(None).expect("joined").map(|(s, a)| (s, a.len())),
            Some(("UPDATE a SET n = n + ? WHERE id = ?".into(), 2))
        );
        w.push("INSERT INTO b (x) VALUES (?)", vec![Arg::Text("t")]);
        w.push("DELETE FROM c WHERE id = ?", vec![Arg::Int(3)]);
        let (sql, args) = w.joined(None).expect("joined").expect("statement");
        assert_eq!(
            sql,
            "WITH w0 AS (UPDATE a SET n = n + ? WHERE id = ?), \
             w1 AS (INSERT INTO b (x) VALUES (?)) DELETE FROM c WHERE id = ?"
        );
        assert!(matches!(
            args.as_slice(),
            [Arg::Int(1), Arg::Int(2), Arg::Text("t"), Arg::Int(3)]
        ));
        // A returning statement goes last, after every pushed one.
        let (sql, args) = w
            .joined(Some(("UPDATE d SET n = ? RETURNING id", &[Arg::Int(4)])))
            .expect("joined")
            .expect("statement");
        assert_eq!(
            sql,
            "WITH w0 AS (UPDATE a SET n = n + ? WHERE id = ?), \
             w1 AS (INSERT INTO b (x) VALUES (?)), w2 AS (DELETE FROM c WHERE id = ?) \
             UPDATE d SET n = ? RETURNING id"
        );
        assert_eq!(args.len(), 5);
    }

    #[test]
    fn a_gate_comes_first_and_every_statement_reads_it() {
        let mut w = Combined::default();
        w.push(
            "INSERT INTO b (x, y) VALUES (?, ?), (?, ?) ON CONFLICT (x) DO NOTHING",
            vec![Arg::Int(1), Arg::Int(2), Arg::Int(3), Arg::Int(4)],
        );
        w.push("INSERT INTO c (x) VALUES (?)", vec![Arg::Int(5)]);
        w.after(
            "SELECT 1 AS gate FROM u WHERE id = ? FOR NO KEY UPDATE",
            vec![Arg::Int(0)],
        );
        let (sql, args) = w
            .joined(Some((
                "UPDATE d SET n = n + 1 WHERE id = ? RETURNING n",
                &[Arg::Int(6)],
            )))
            .expect("joined")
            .expect("statement");
        assert_eq!(
            sql,
            "WITH g AS (SELECT 1 AS gate FROM u WHERE id = ? FOR NO KEY UPDATE), \
             w0 AS (INSERT INTO b (x, y) SELECT v.* FROM g, (VALUES (?, ?), (?, ?)) v \
             ON CONFLICT (x) DO NOTHING), \
             w1 AS (INSERT INTO c (x) SELECT v.* FROM g, (VALUES (?)) v) \
             UPDATE d SET n = n + 1 FROM g WHERE id = ? RETURNING n"
        );
        let values: Vec<i64> = args
            .iter()
            .map(|a| match a {
                Arg::Int(v) => *v,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(values, [0, 1, 2, 3, 4, 5, 6]);
        // A statement of another shape is refused, not sent unguarded.
        w.push("DELETE FROM e WHERE id = ?", vec![Arg::Int(7)]);
        assert!(w.joined(None).is_err());
    }
}

/// A fixed SQL condition, such as a partial index's predicate, which the
/// planners match only when a query spells it literally. A query holding
/// diesel's `sql` literal is prepared anew on every execution (its text
/// could vary); one holding a `Condition` is kept prepared, by its text,
/// like any other.
#[derive(Debug, Clone, Copy)]
pub struct Condition(pub &'static str);

impl Expression for Condition {
    type SqlType = Bool;
}

impl<DB: Backend> QueryFragment<DB> for Condition {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.0);
        Ok(())
    }
}

/// Conditions differ by their text alone, so they have no static id:
/// diesel keys the statements holding one by their SQL.
impl QueryId for Condition {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> SelectableExpression<QS> for Condition {}

impl<QS> AppearsOnTable<QS> for Condition {}

impl<GB> ValidGrouping<GB> for Condition {
    type IsAggregate = is_aggregate::Never;
}
