-- Indexes for the collection queries the shop pushes down to SQL: filtering customers by
-- status (and credit limit) while sorting them by creation date walks one index in order, and
-- counting the matches reads the index alone.
CREATE INDEX customers_status_created ON customers (status, created_at, credit_limit);
CREATE INDEX customers_created ON customers (created_at);
