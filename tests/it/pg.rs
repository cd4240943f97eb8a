//! A fresh PostgreSQL database per test, dropped afterwards.
//!
//! `TEST_DATABASE_URL` names a server and a database to connect to
//! for creating others (for example `postgres://postgres@127.0.0.1:5432/postgres`).
//! Without it the PostgreSQL half of a test says so and passes, unless
//! `TEST_REQUIRE_POSTGRES` is set, as the test command sets it whenever
//! it found a server: then a missing server is a failure.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

/// A database that exists for one test.
pub struct TestDb {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

/// Names the admin URL, or explains why the PostgreSQL half is skipped.
pub fn admin_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("TEST_REQUIRE_POSTGRES").is_none(),
                "TEST_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not"
            );
            eprintln!("PostgreSQL half NOT run: set TEST_DATABASE_URL");
            None
        }
    }
}

/// Swaps the database name at the end of a URL (before any `?query`).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let root = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl TestDb {
    /// Creates an empty database, or returns `None` when PostgreSQL tests are off.
    pub async fn create() -> Option<TestDb> {
        static N: AtomicU32 = AtomicU32::new(0);
        let admin_url = admin_url()?;
        let name = format!("dateline_test_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut conn).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        conn.close().await.ok();
        let url = with_database(&admin_url, &name);
        Some(TestDb { admin_url, name, url })
    }
}

impl TestDb {
    async fn admin(&self, sql: &str) {
        let mut conn = sqlx::PgConnection::connect(&self.admin_url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
        conn.close().await.ok();
    }

    /// Cuts every connection to the database and refuses new ones, as a
    /// restarting server would, without touching the other tests' databases.
    pub async fn cut(&self) {
        let name = &self.name;
        self.admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
        self.admin(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .await;
    }

    /// Lets connections in again.
    pub async fn restore(&self) {
        self.admin(&format!("ALTER DATABASE {} ALLOW_CONNECTIONS true", self.name)).await;
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread of its own may block.
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let dropped =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                    if let Err(e) = dropped {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                }
            })
        });
        done.join().ok();
    }
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(with_database("postgres://p@h:5432/postgres", "x"), "postgres://p@h:5432/x");
    assert_eq!(with_database("postgres://p@h/postgres?sslmode=disable", "x"), "postgres://p@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://p@h", "x"), "postgres://p@h/x");
}
