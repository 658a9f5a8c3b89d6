-- Devices, their credentials and the pairings that create them. Portable SQL (H2 and PostgreSQL);
-- times are epoch milliseconds; secrets (device codes, credential secrets) are stored as SHA-256 hex.

CREATE TABLE devices (
    id            VARCHAR(36)  PRIMARY KEY,   -- random UUID: opaque, never sequential
    owner_id      BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          VARCHAR(128) NOT NULL,
    model         VARCHAR(128),
    serial        VARCHAR(128),
    agent_version VARCHAR(64),
    created_at    BIGINT       NOT NULL
);
CREATE INDEX devices_owner ON devices (owner_id);

CREATE TABLE device_credentials (
    id          VARCHAR(32) PRIMARY KEY,      -- public: named in the credential's prefix
    device_id   VARCHAR(36) NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    owner_id    BIGINT      NOT NULL,
    secret_hash VARCHAR(64) NOT NULL,
    created_at  BIGINT      NOT NULL,
    expires_at  BIGINT      NOT NULL,         -- shortened to the overlap when rotated
    revoked_at  BIGINT
);
CREATE INDEX device_credentials_device ON device_credentials (device_id);

CREATE TABLE pairings (
    id               VARCHAR(32)  PRIMARY KEY,
    device_code_hash VARCHAR(64)  NOT NULL,
    user_code        VARCHAR(8)   NOT NULL,   -- normalised: 8 letters, no dash
    state            VARCHAR(16)  NOT NULL,   -- PENDING, APPROVED, DENIED, CONSUMED
    name             VARCHAR(128) NOT NULL,
    model            VARCHAR(128),
    serial           VARCHAR(128),
    agent_version    VARCHAR(64),
    client_address   VARCHAR(64)  NOT NULL,
    created_at       BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    interval_ms      BIGINT       NOT NULL,
    last_poll_at     BIGINT,
    viewed_by        BIGINT       REFERENCES users (id) ON DELETE CASCADE,
    decided_by       BIGINT       REFERENCES users (id) ON DELETE CASCADE,
    device_name      VARCHAR(128),
    device_id        VARCHAR(36),
    CONSTRAINT pairings_device_code UNIQUE (device_code_hash),
    CONSTRAINT pairings_user_code UNIQUE (user_code)
);
CREATE INDEX pairings_address ON pairings (client_address, expires_at);
CREATE INDEX pairings_expiry ON pairings (expires_at);

-- Wrong user codes entered by a person, counted over one code lifetime.
CREATE TABLE pairing_guesses (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guessed_at BIGINT NOT NULL
);
CREATE INDEX pairing_guesses_user ON pairing_guesses (user_id, guessed_at);

ALTER TABLE audit_log ADD COLUMN client_address VARCHAR(64);
