//! Demo data (SPEC §11.2), written on first start: 55 customers `DE--1` ... `DE--55` with 0 to
//! 3 addresses each, and 200 products `SKU-0001` ... `SKU-0200`. The data is the same on every
//! start, so examples and tests can rely on it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::Row;

use crate::db::{Db, date_time_text};

/// The Argon2id hash of the demo password `change123`.
pub const DEMO_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$XF8CEIGtoqKH0G1rTWzsEA$rMLFQ1GHl1zVdiPuWICCSH5GSSNxsRz73SedgV0Gfr8";

/// The demo password of seeded accounts.
pub const DEMO_PASSWORD: &str = "change123";

/// How many customers the seed writes.
pub const CUSTOMERS: u32 = 55;
/// How many products the seed writes.
pub const PRODUCTS: u32 = 200;

const FIRST_NAMES: [&str; 12] = [
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Karla",
    "Lukas",
];
const LAST_NAMES: [&str; 10] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Koch",
];
const CITIES: [(&str, &str, &str); 6] = [
    ("Berlin", "10115", "DE"),
    ("Hamburg", "20095", "DE"),
    ("München", "80331", "DE"),
    ("Wien", "1010", "AT"),
    ("Zürich", "8001", "CH"),
    ("Amsterdam", "1012", "NL"),
];
const STATUSES: [&str; 3] = ["active", "inactive", "pending"];
const PRODUCT_WORDS: [&str; 8] = [
    "Chair", "Table", "Lamp", "Shelf", "Desk", "Sofa", "Rug", "Mirror",
];
const PRODUCT_WORDS_DE: [&str; 8] = [
    "Stuhl",
    "Tisch",
    "Lampe",
    "Regal",
    "Schreibtisch",
    "Sofa",
    "Teppich",
    "Spiegel",
];
const COLORS: [&str; 5] = ["Oak", "Walnut", "White", "Black", "Grey"];
const COLORS_DE: [&str; 5] = ["Eiche", "Nussbaum", "Weiß", "Schwarz", "Grau"];

/// The en_US and de_DE names of seeded product `n` (1-based): `Walnut Table`,
/// `Nussbaum Tisch`.
#[must_use]
pub fn product_names(n: u32) -> (String, String) {
    let index = n as usize;
    let (color, word) = (index % COLORS.len(), index % PRODUCT_WORDS.len());
    (
        format!("{} {}", COLORS[color], PRODUCT_WORDS[word]),
        format!("{} {}", COLORS_DE[color], PRODUCT_WORDS_DE[word]),
    )
}

/// When the demo data was created: a fixed instant, so data is the same on every start.
fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5)
        .single()
        .unwrap_or_default()
}

/// The email of seeded customer `n` (1-based).
#[must_use]
pub fn customer_email(n: u32) -> String {
    format!("customer{n}@example.com")
}

/// How many addresses seeded customer `n` has (0 to 3).
#[must_use]
pub fn address_count(n: u32) -> u32 {
    n % 4
}

/// Writes the demo data unless the database already holds customers.
///
/// # Errors
///
/// When a statement fails; nothing is written then.
pub async fn seed_if_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM customers")
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    if existing > 0 {
        return Ok(false);
    }
    let mut tx = db.pool().begin().await?;
    for n in 1..=CUSTOMERS {
        let index = n as usize;
        let created = epoch() + Duration::minutes(i64::from(n));
        let birth = format!("{}-{:02}-{:02}", 1960 + n % 40, 1 + n % 12, 1 + n % 28);
        sqlx::query(
            "INSERT INTO customers (customer_reference, email, first_name, last_name, status, \
             date_of_birth, is_active, credit_limit, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(format!("DE--{n}"))
        .bind(customer_email(n))
        .bind(FIRST_NAMES[index % FIRST_NAMES.len()])
        .bind(LAST_NAMES[index % LAST_NAMES.len()])
        .bind(STATUSES[index % STATUSES.len()])
        .bind(birth)
        .bind(n % 5 != 0)
        .bind(f64::from(n * 250))
        // Only the two demo customers can log in (SPEC §11.2, §13.2); the others have no
        // password until one is set.
        .bind((n <= 2).then_some(DEMO_PASSWORD_HASH))
        .bind(date_time_text(&created))
        .execute(&mut *tx)
        .await?;
        for a in 0..address_count(n) {
            let (city, zip, country) = CITIES[(index + a as usize) % CITIES.len()];
            sqlx::query(
                "INSERT INTO customer_addresses (uuid, customer_reference, address1, address2, \
                 zip_code, city, country, is_default) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(format!("00000000-0000-4000-8000-{n:06}{a:06}"))
            .bind(format!("DE--{n}"))
            .bind(format!(
                "{} Street {}",
                FIRST_NAMES[(index + 3) % 12],
                10 + a
            ))
            .bind((a == 1).then(|| format!("Floor {}", a + 1)))
            .bind(zip)
            .bind(city)
            .bind(country)
            .bind(a == 0)
            .execute(&mut *tx)
            .await?;
        }
    }
    for n in 1..=PRODUCTS {
        let created = epoch() + Duration::hours(i64::from(n));
        let (name, name_de) = product_names(n);
        sqlx::query(
            "INSERT INTO products (sku, name, description, name_de, description_de, price, \
             currency, stock, is_active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(format!("SKU-{n:04}"))
        .bind(name)
        .bind((n % 3 != 0).then(|| format!("Demo product number {n}.")))
        .bind(name_de)
        .bind((n % 3 != 0).then(|| format!("Demoprodukt Nummer {n}.")))
        .bind(i64::from(n) * 1_000 + 99)
        .bind(if n % 10 == 0 { "CHF" } else { "EUR" })
        .bind(i64::from(n % 50))
        .bind(n % 7 != 0)
        .bind(date_time_text(&created))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The back-office user with `ROLE_ADMIN`.
pub const ADMIN_USERNAME: &str = "admin@example.com";
/// The back-office user with `ROLE_VIEWER`.
pub const VIEWER_USERNAME: &str = "viewer@example.com";

/// Writes the back-office users `admin@example.com` (`ROLE_ADMIN`) and `viewer@example.com`
/// (`ROLE_VIEWER`), password `change123`, unless the database already holds users.
///
/// # Errors
///
/// When a statement fails; nothing is written then.
pub async fn seed_users_if_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM back_office_users")
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    if existing > 0 {
        return Ok(false);
    }
    let mut tx = db.pool().begin().await?;
    for (username, roles) in [
        (ADMIN_USERNAME, "ROLE_ADMIN"),
        (VIEWER_USERNAME, "ROLE_VIEWER"),
    ] {
        sqlx::query(
            "INSERT INTO back_office_users (username, password_hash, roles) VALUES ($1, $2, $3)",
        )
        .bind(username)
        .bind(DEMO_PASSWORD_HASH)
        .bind(roles)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
