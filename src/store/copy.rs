//! Copying a whole site from SQLite into PostgreSQL (`dateline migrate-db`).
