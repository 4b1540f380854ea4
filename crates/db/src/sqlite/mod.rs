//! What only SQLite needs: one writer thread that commits concurrent writes
//! together, and the WAL checkpoints beside it.

pub(crate) mod batch;
mod checkpoint;
