-- Hollerith credentials: tenants (a tree), users with one role, API token hashes, namespaces.
-- Times are epoch milliseconds.
CREATE TABLE tenant (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL UNIQUE,
  parent_id  INTEGER REFERENCES tenant (id),
  created_at INTEGER NOT NULL
);
INSERT INTO tenant (name, parent_id, created_at) VALUES ('root', NULL, 0);

CREATE TABLE app_user (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL UNIQUE,
  role       TEXT    NOT NULL CHECK (role IN ('admin', 'support', 'reader')),
  tenant_id  INTEGER NOT NULL REFERENCES tenant (id),
  created_at INTEGER NOT NULL
);

CREATE TABLE api_token (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES app_user (id),
  token_hash   TEXT    NOT NULL UNIQUE,
  token_prefix TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE metric_namespace (
  prefix      TEXT    PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenant (id),
  assigned_at INTEGER NOT NULL
);
