//! The connection a store's statement runs on: one from the pool, or, inside an atomic
//! request (SPEC §12.3), the request's transaction on this database, put back when done.

use std::any::Any;
use std::ops::{Deref, DerefMut};

use glue_core::GlueError;
use glue_core::atomic::{Participant, Transactions};
use glue_core::body::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::{AnyConnection, Transaction};

use crate::Database;

/// An atomic request's transaction on one database.
pub(crate) struct SqlTransaction(Transaction<'static, sqlx::Any>);

impl Participant for SqlTransaction {
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), GlueError>> {
        Box::pin(async move { self.0.commit().await.map_err(super::errors::unavailable) })
    }

    fn rollback(self: Box<Self>) -> BoxFuture<'static, ()> {
        // A rollback that fails leaves nothing behind: the connection closes, and the
        // database drops the transaction with it.
        Box::pin(async move {
            let _ = self.0.rollback().await;
        })
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

/// A connection for the statements of one call.
pub(crate) enum Conn<'a> {
    /// From the pool, returned to it on drop.
    Pooled(PoolConnection<sqlx::Any>),
    /// The atomic request's transaction, put back on drop.
    Scoped {
        transactions: &'a Transactions,
        key: usize,
        transaction: Option<Box<SqlTransaction>>,
    },
}

impl<'a> Conn<'a> {
    /// The request's transaction when it has some (opened here when this database has none
    /// yet), else a connection of the pool.
    pub(crate) async fn open(
        db: &Database,
        transactions: Option<&'a Transactions>,
    ) -> Result<Self, sqlx::Error> {
        let Some(transactions) = transactions else {
            return Ok(Self::Pooled(db.pool().acquire().await?));
        };
        let key = db.key();
        let transaction = match transactions.take(key) {
            Some(open) => open.into_any().downcast::<SqlTransaction>().map_err(|_| {
                sqlx::Error::Configuration(
                    "another participant of the atomic request holds this database's key".into(),
                )
            })?,
            None => Box::new(SqlTransaction(db.pool().begin().await?)),
        };
        Ok(Self::Scoped {
            transactions,
            key,
            transaction: Some(transaction),
        })
    }
}

impl Deref for Conn<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Pooled(connection) => connection,
            Self::Scoped { transaction, .. } => match transaction {
                Some(transaction) => &transaction.0,
                None => unreachable!("the transaction is only taken on drop"),
            },
        }
    }
}

impl DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Pooled(connection) => connection,
            Self::Scoped { transaction, .. } => match transaction {
                Some(transaction) => &mut transaction.0,
                None => unreachable!("the transaction is only taken on drop"),
            },
        }
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Self::Scoped {
            transactions,
            key,
            transaction,
        } = self
            && let Some(transaction) = transaction.take()
        {
            transactions.put(*key, transaction);
        }
    }
}
