-- Revoked refresh-token families (SPEC §13.2): a family stays revoked, so that a token saved
-- by a renewal that raced with the revocation is refused too.
CREATE TABLE revoked_refresh_families (
    family     TEXT   PRIMARY KEY,
    revoked_at BIGINT NOT NULL
);
