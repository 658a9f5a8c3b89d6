-- Presence of devices on remote-proxy replicas (issue 17, ADR 0028). Portable SQL (H2 and
-- PostgreSQL); times are epoch milliseconds.

-- Every remote-proxy replica, registered and kept alive by its heartbeat. One heartbeat renews the
-- lease of all of the replica's tunnels; a new boot of the same id replaces the old one.
CREATE TABLE proxy_replicas (
    id               VARCHAR(64)  PRIMARY KEY,  -- proxy.replica.id
    boot             VARCHAR(64)  NOT NULL,     -- random per process start
    internal_url     VARCHAR(512) NOT NULL,     -- where api-servers reach its internal listener
    tunnels          INTEGER      NOT NULL,     -- as reported, for operators
    lease_expires_at BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL
);

-- Which replica holds each device's tunnel. A row is live only while its (replica_id, boot) is the
-- replica's current boot with an unexpired lease.
CREATE TABLE device_presence (
    device_id     VARCHAR(36) PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    replica_id    VARCHAR(64) NOT NULL,
    boot          VARCHAR(64) NOT NULL,
    connection_id VARCHAR(64) NOT NULL,
    connected_at  BIGINT      NOT NULL,       -- the proxy's clock
    epoch         BIGINT      NOT NULL,       -- +1 for every accepted connect of the device
    updated_at    BIGINT      NOT NULL
);
CREATE INDEX device_presence_replica ON device_presence (replica_id, boot);
