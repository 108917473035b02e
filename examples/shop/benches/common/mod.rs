//! The 100,000-customer database the shop's benchmarks share.

use example_shop::db::Db;
use sqlx::Executor;

pub(crate) const CUSTOMERS: usize = 100_000;
/// The admin API key the benchmarks authenticate with (a static key: one SHA-256 per request).
pub(crate) const API_KEY: &str = "bench-admin-key";
const BATCH: usize = 500;

pub(crate) async fn seed(db: &Db) {
    let pool = db.pool();
    let mut tx = pool.begin().await.expect("a transaction");
    let statuses = ["active", "inactive", "pending"];
    for start in (1..=CUSTOMERS).step_by(BATCH) {
        let end = (start + BATCH - 1).min(CUSTOMERS);
        let rows: Vec<String> = (start..=end)
            .map(|n| {
                format!(
                    "('DE--{n}', 'customer{n}@example.com', 'First{}', 'Last{}', '{}', '19{:02}-01-01', {}, {}, '{}')",
                    n % 97,
                    n % 89,
                    statuses[n % 3],
                    n % 100,
                    u8::from(n % 7 != 0),
                    (n % 1000) * 10,
                    created_at(n),
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO customers (customer_reference, email, first_name, last_name, status, \
             date_of_birth, is_active, credit_limit, created_at) VALUES {}",
            rows.join(",")
        );
        tx.execute(sqlx::AssertSqlSafe(sql))
            .await
            .expect("customers are inserted");
        let addresses: Vec<String> = (start..=end)
            .flat_map(|n| {
                let count = 2 + n % 2;
                (0..count).map(move |a| {
                    format!(
                        "('{n:08}-{a:04}-4000-8000-000000000000', 'DE--{n}', 'Street {a}', '{:05}', 'City {}', 'DE', {})",
                        n % 99_999,
                        n % 50,
                        u8::from(a == 0)
                    )
                })
            })
            .collect();
        let sql = format!(
            "INSERT INTO customer_addresses (uuid, customer_reference, address1, zip_code, \
             city, country, is_default) VALUES {}",
            addresses.join(",")
        );
        tx.execute(sqlx::AssertSqlSafe(sql))
            .await
            .expect("addresses are inserted");
    }
    tx.commit().await.expect("the seed is committed");
    pool.execute("ANALYZE")
        .await
        .expect("statistics are gathered");
}

fn created_at(n: usize) -> String {
    let seconds = 1_700_000_000 + (n as i64) * 37;
    let instant = chrono::DateTime::from_timestamp(seconds, 0).expect("a valid instant");
    glue_core::date::format_date_time(&instant)
}
