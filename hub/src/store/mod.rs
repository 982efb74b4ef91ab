//! The database: one schema over SQLite (default, bundled) and PostgreSQL, chosen at run time by
//! the URL through diesel's `MultiConnection`. Owns the pool, the embedded migrations and every
//! query (the submodules). Makes no decisions: services open transactions and decide.

pub mod abook;
pub mod account;
pub mod account_pref;
pub mod api;
pub mod attach;
pub mod changelog;
pub mod channel;
pub mod dav;
pub mod hubloc;
pub mod item;
pub mod item_attach;
pub mod lifecycle;
pub mod notify;
pub mod oauth;
pub mod outq;
pub mod owa;
pub mod pconfig;
pub mod pgrp;
pub mod photo;
pub mod profile;
pub mod schema;
pub mod session;
pub mod site;
pub mod xchan;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::{Error, Result, ResultExt};

/// Migrations for each backend; versions and names are kept in lockstep.
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A connection to either backend. PostgreSQL comes first: `establish` tries the variants in
/// order and SQLite would accept any string as a file name.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL.
    Postgresql(diesel::PgConnection),
    /// SQLite.
    Sqlite(diesel::SqliteConnection),
}

/// A pooled connection.
pub type Conn = PooledConnection<ConnectionManager<AnyConnection>>;

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Chooses the backend from the URL: `postgres://` / `postgresql://` or anything else (SQLite).
    pub fn of(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// On SQLite, takes the write lock at the start of a transaction (what `BEGIN IMMEDIATE`
/// does), so a transaction that reads and then writes waits for another writer
/// (`busy_timeout`) instead of failing with "database is locked" when its snapshot went stale
/// (several `hub serve` or CLI processes on one file, or a handler and the queue worker). A
/// write statement that touches no row takes the lock all the same. PostgreSQL needs nothing.
fn take_write_lock(conn: &mut AnyConnection) -> Result<()> {
    use diesel::connection::SimpleConnection;
    if let AnyConnection::Sqlite(c) = conn {
        c.batch_execute("DELETE FROM config WHERE 0 = 1")?;
    }
    Ok(())
}

/// Per-connection SQLite settings: foreign keys on, WAL, wait instead of failing when busy.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                 PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The database handle: a pool plus the backend it talks to. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<AnyConnection>>,
    backend: Backend,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    /// Opens a pool for the URL. A SQLite path gets its parent directory created.
    pub fn open(url: &str, pool_size: u32) -> Result<Self> {
        let backend = Backend::of(url);
        let conn_url = match backend {
            Backend::Postgres => url.to_string(),
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                if let Some(parent) = std::path::Path::new(path).parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).context("creating database directory")?;
                }
                if !path.is_empty() && path != ":memory:" && !path.starts_with("file:") {
                    crate::files::prepare_private_file(std::path::Path::new(path))
                        .context("creating the database file")?;
                }
                path.to_string()
            }
        };
        let manager = ConnectionManager::<AnyConnection>::new(conn_url);
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(Duration::from_secs(30))
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)
            .map_err(|e| Error::internal(anyhow::anyhow!("cannot open database: {e}")))?;
        Ok(Self { pool, backend })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection from the pool (blocking).
    pub fn conn(&self) -> Result<Conn> {
        self.pool.get().context("getting a database connection")
    }

    /// Runs blocking database work off the async workers.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .context("database task")?
    }

    /// Runs blocking database work in one transaction, off the async workers.
    pub async fn tx<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T> + Send + 'static,
    {
        use diesel::Connection;
        self.run(move |conn| {
            conn.transaction(|c| {
                take_write_lock(c)?;
                f(c)
            })
        })
        .await
    }

    /// Runs blocking database work in one transaction on the calling thread (start-up, CLI).
    pub fn tx_blocking<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T>,
    {
        use diesel::Connection;
        let mut pooled = self.conn()?;
        let conn: &mut AnyConnection = &mut pooled;
        conn.transaction(|c| {
            take_write_lock(c)?;
            f(c)
        })
    }

    /// Applies pending migrations; returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
            AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| Error::internal(anyhow::anyhow!("migration failed: {e}")))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }

    /// Reverts every migration (tests prove each `down.sql` undoes its `up.sql`).
    pub fn revert_all(&self) -> Result<usize> {
        let mut conn = self.conn()?;
        let reverted = match &mut *conn {
            AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS),
            AnyConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| Error::internal(anyhow::anyhow!("revert failed: {e}")))?;
        Ok(reverted.len())
    }

    /// Names of the tables that exist (for migration tests).
    pub fn table_names(&self) -> Result<Vec<String>> {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Name {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        let mut conn = self.conn()?;
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name AS name FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
                 ORDER BY table_name"
            }
        };
        let rows: Vec<Name> = diesel::sql_query(sql).load(&mut *conn)?;
        Ok(rows.into_iter().map(|n| n.name).collect())
    }
}

/// True when the error is a unique-constraint violation (duplicate email, nickname, …).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// True when a hub error was caused by a unique-constraint violation.
pub fn caused_by_unique_violation(e: &Error) -> bool {
    e.source
        .as_ref()
        .and_then(|s| s.downcast_ref::<diesel::result::Error>())
        .is_some_and(is_unique_violation)
}
