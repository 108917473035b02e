//! Where configurations live: the table `dynamic_entity_configurations` of the application's
//! database, and a version that every save and delete increments, so that every process
//! sharing the database can tell that it must reload (SPEC §9.6).

use glue_sql::{Database, Dialect};
use sqlx::{Executor, Row};

use crate::config::Configuration;

/// The configurations of one database.
#[derive(Debug, Clone)]
pub struct Storage {
    db: Database,
}

impl Storage {
    /// The configurations of `db`, creating their tables when they are missing.
    ///
    /// # Errors
    ///
    /// When the tables cannot be created.
    pub async fn install(db: &Database) -> Result<Self, sqlx::Error> {
        let (flag, counter) = match db.dialect() {
            Dialect::Sqlite => ("INTEGER", "INTEGER"),
            Dialect::Postgres => ("BOOLEAN", "BIGINT"),
        };
        db.pool()
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE IF NOT EXISTS dynamic_entity_configurations (\
                   table_alias TEXT PRIMARY KEY, \
                   table_name  TEXT NOT NULL, \
                   is_active   {flag} NOT NULL, \
                   definition  TEXT NOT NULL)"
            )))
            .await?;
        db.pool()
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE IF NOT EXISTS dynamic_entity_configuration_version (\
                   id      INTEGER PRIMARY KEY CHECK (id = 1), \
                   version {counter} NOT NULL)"
            )))
            .await?;
        let insert = match db.dialect() {
            Dialect::Sqlite => {
                "INSERT OR IGNORE INTO dynamic_entity_configuration_version (id, version) VALUES (1, 0)"
            }
            Dialect::Postgres => {
                "INSERT INTO dynamic_entity_configuration_version (id, version) VALUES (1, 0) \
                 ON CONFLICT (id) DO NOTHING"
            }
        };
        db.pool().execute(insert).await?;
        Ok(Self { db: db.clone() })
    }

    /// The version of the configurations: it changes with every save and delete.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn version(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT version FROM dynamic_entity_configuration_version WHERE id = 1")
            .fetch_one(self.db.pool())
            .await?
            .try_get(0)
    }

    /// Every configuration that reads and keeps every rule, by alias; the others (written
    /// around the API) are left out and logged, so that one cannot stop the rest.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn all(&self) -> Result<Vec<Configuration>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT table_alias, table_name, is_active, definition \
             FROM dynamic_entity_configurations ORDER BY table_alias",
        )
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|row| match read(row) {
                Ok(configuration) if configuration.problems().is_empty() => Some(configuration),
                Ok(configuration) => {
                    tracing::warn!(alias = %configuration.table_alias, "a stored configuration breaks its rules; it is not served");
                    None
                }
                Err(error) => {
                    tracing::warn!(%error, "a stored configuration does not read; it is not served");
                    None
                }
            })
            .collect())
    }

    /// One configuration.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn get(&self, alias: &str) -> Result<Option<Configuration>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT table_alias, table_name, is_active, definition \
             FROM dynamic_entity_configurations WHERE table_alias = $1",
        )
        .bind(alias)
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// Saves a configuration (new, or replacing the one of its alias) and moves the version
    /// on, in one transaction. Check it first: this stores what it is given.
    ///
    /// # Errors
    ///
    /// When the database refuses the write.
    pub async fn save(&self, configuration: &Configuration) -> Result<(), sqlx::Error> {
        let definition = serde_json::to_string(&configuration.definition)
            .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM dynamic_entity_configurations WHERE table_alias = $1")
            .bind(&configuration.table_alias)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO dynamic_entity_configurations \
             (table_alias, table_name, is_active, definition) VALUES ($1, $2, $3, $4)",
        )
        .bind(&configuration.table_alias)
        .bind(&configuration.table_name)
        .bind(configuration.is_active)
        .bind(definition)
        .execute(&mut *tx)
        .await?;
        bump(&mut tx).await?;
        tx.commit().await
    }

    /// Deletes a configuration; whether there was one.
    ///
    /// # Errors
    ///
    /// When the database refuses the write.
    pub async fn delete(&self, alias: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.db.pool().begin().await?;
        let done = sqlx::query("DELETE FROM dynamic_entity_configurations WHERE table_alias = $1")
            .bind(alias)
            .execute(&mut *tx)
            .await?;
        bump(&mut tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}

async fn bump(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE dynamic_entity_configuration_version SET version = version + 1 WHERE id = 1",
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

fn read(row: &sqlx::any::AnyRow) -> Result<Configuration, sqlx::Error> {
    let active = match row.try_get::<bool, _>(2) {
        Ok(flag) => flag,
        Err(_) => row.try_get::<i64, _>(2)? != 0,
    };
    let definition: String = row.try_get(3)?;
    Ok(Configuration {
        table_alias: row.try_get(0)?,
        table_name: row.try_get(1)?,
        is_active: active,
        definition: serde_json::from_str(&definition)
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
    })
}
