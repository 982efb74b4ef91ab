//! One fresh database per test hub: a SQLite file in the hub's temp dir, or, when
//! `CARAVAN_TEST_PG_URL` is set (by `.ci/run`), a new PostgreSQL database dropped afterwards.

use diesel::{Connection, PgConnection, RunQueryDsl};

/// Environment variable naming a PostgreSQL admin URL (e.g. `postgres://postgres@127.0.0.1:5544/postgres`).
pub const PG_ENV: &str = "CARAVAN_TEST_PG_URL";

/// A database for one test hub; dropping it drops a PostgreSQL database.
#[derive(Debug)]
pub struct TestDb {
    /// URL for the hub, or `None` for SQLite in the data dir.
    pub url: Option<String>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// Creates a database named after the hub (plus a random suffix).
    pub fn create(label: &str) -> Self {
        Self::create_on(label, std::env::var(PG_ENV).ok().as_deref())
    }

    /// Like [`TestDb::create`], on this PostgreSQL admin URL, or SQLite for `None` (the
    /// benchmarks run both backends in one process).
    pub fn create_on(label: &str, pg_admin: Option<&str>) -> Self {
        let Some(admin) = pg_admin.map(str::to_string) else {
            return Self {
                url: None,
                pg: None,
            };
        };
        let name = format!(
            "caravan_{}_{}",
            label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            uuid::Uuid::new_v4().simple()
        );
        let mut conn =
            PgConnection::establish(&admin).expect("connect to the PostgreSQL admin URL");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .expect("create test database");
        let (base, _) = admin
            .rsplit_once('/')
            .expect("admin URL has a database part");
        Self {
            url: Some(format!("{base}/{name}")),
            pg: Some((admin, name)),
        }
    }

    /// Whether this run uses PostgreSQL.
    pub fn is_postgres() -> bool {
        std::env::var(PG_ENV).is_ok()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}
