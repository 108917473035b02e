-- Authentication (SPEC §6): back-office users, refresh tokens and API keys. Secrets are
-- stored only as hashes: passwords as Argon2id PHC strings, refresh tokens and API key
-- secrets as SHA-256 hex digests. Instants are Unix seconds.
CREATE TABLE back_office_users (
    id_user       BIGSERIAL PRIMARY KEY,
    username      TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    roles         TEXT    NOT NULL,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX back_office_users_username ON back_office_users (lower(username));

CREATE TABLE refresh_tokens (
    token_hash TEXT   PRIMARY KEY,
    subject    TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    audience   TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE api_keys (
    id          TEXT   PRIMARY KEY,
    name        TEXT   NOT NULL,
    secret_hash TEXT   NOT NULL,
    roles       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
