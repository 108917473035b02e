-- Stores (SPEC §11.2, §11.3): the base fields, and what the EU and AT code buckets add.
CREATE TABLE stores (
    name                TEXT PRIMARY KEY,
    default_currency    TEXT NOT NULL,
    timezone            TEXT NOT NULL,
    gdpr_contact_email  TEXT,
    uid_number          TEXT
);
INSERT INTO stores (name, default_currency, timezone, gdpr_contact_email, uid_number) VALUES
    ('DE', 'EUR', 'Europe/Berlin', 'privacy@shop.example.de', NULL),
    ('AT', 'EUR', 'Europe/Vienna', 'datenschutz@shop.example.at', 'ATU12345678'),
    ('US', 'USD', 'America/New_York', NULL, NULL);
