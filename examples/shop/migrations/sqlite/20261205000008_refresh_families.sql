-- Refresh-token families (SPEC §13.2): every token renewed from a login shares the hash of
-- that login's first token, so a reused token revokes the whole chain. Tokens issued before
-- are each their own family.
ALTER TABLE refresh_tokens ADD COLUMN family TEXT;
UPDATE refresh_tokens SET family = token_hash WHERE family IS NULL;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
