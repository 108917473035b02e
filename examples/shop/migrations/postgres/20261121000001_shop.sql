-- The demo shop's tables (PostgreSQL). Timestamps are RFC 3339 text in UTC, dates YYYY-MM-DD,
-- as on SQLite, so that both databases answer the same queries the same way.
CREATE TABLE customers (
    id_customer        BIGSERIAL PRIMARY KEY,
    customer_reference TEXT             NOT NULL UNIQUE,
    email              TEXT             NOT NULL,
    first_name         TEXT             NOT NULL,
    last_name          TEXT             NOT NULL,
    status             TEXT             NOT NULL DEFAULT 'active',
    date_of_birth      TEXT,
    is_active          BOOLEAN          NOT NULL DEFAULT TRUE,
    credit_limit       DOUBLE PRECISION NOT NULL DEFAULT 0,
    password_hash      TEXT,
    created_at         TEXT             NOT NULL
);
CREATE UNIQUE INDEX customers_email ON customers (lower(email));

CREATE TABLE customer_addresses (
    id_customer_address BIGSERIAL PRIMARY KEY,
    uuid                TEXT    NOT NULL UNIQUE,
    customer_reference  TEXT    NOT NULL REFERENCES customers (customer_reference) ON DELETE CASCADE,
    address1            TEXT    NOT NULL,
    address2            TEXT,
    zip_code            TEXT    NOT NULL,
    city                TEXT    NOT NULL,
    country             TEXT    NOT NULL,
    is_default          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX customer_addresses_customer ON customer_addresses (customer_reference, id_customer_address);

CREATE TABLE products (
    id_product  BIGSERIAL PRIMARY KEY,
    sku         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT,
    price       BIGINT  NOT NULL DEFAULT 0,
    currency    TEXT    NOT NULL DEFAULT 'EUR',
    stock       BIGINT  NOT NULL DEFAULT 0,
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT    NOT NULL
);
CREATE INDEX products_active ON products (is_active, id_product);
