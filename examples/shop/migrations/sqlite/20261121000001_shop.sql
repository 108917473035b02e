-- The demo shop's tables (SQLite). Timestamps are RFC 3339 text in UTC, dates YYYY-MM-DD.
CREATE TABLE customers (
    id_customer        INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_reference TEXT    NOT NULL UNIQUE,
    email              TEXT    NOT NULL,
    first_name         TEXT    NOT NULL,
    last_name          TEXT    NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'active',
    date_of_birth      TEXT,
    is_active          INTEGER NOT NULL DEFAULT 1,
    credit_limit       REAL    NOT NULL DEFAULT 0,
    password_hash      TEXT,
    created_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX customers_email ON customers (lower(email));

CREATE TABLE customer_addresses (
    id_customer_address INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                TEXT    NOT NULL UNIQUE,
    customer_reference  TEXT    NOT NULL REFERENCES customers (customer_reference) ON DELETE CASCADE,
    address1            TEXT    NOT NULL,
    address2            TEXT,
    zip_code            TEXT    NOT NULL,
    city                TEXT    NOT NULL,
    country             TEXT    NOT NULL,
    is_default          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customer_addresses_customer ON customer_addresses (customer_reference, id_customer_address);

CREATE TABLE products (
    id_product  INTEGER PRIMARY KEY AUTOINCREMENT,
    sku         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT,
    price       INTEGER NOT NULL DEFAULT 0,
    currency    TEXT    NOT NULL DEFAULT 'EUR',
    stock       INTEGER NOT NULL DEFAULT 0,
    is_active   INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL
);
CREATE INDEX products_active ON products (is_active, id_product);
