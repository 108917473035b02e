-- A version per row, incremented by every write, for ETag and If-Match (SPEC §12.1).
ALTER TABLE customers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE customer_addresses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
