-- Overrides written by the admin API (docs/backend.md, "Admin API"). A row wins over the
-- config file's section of the same name and survives restarts; deleting a provider row
-- reverts to the file.
CREATE TABLE admin_providers (
    name TEXT PRIMARY KEY,
    section_json TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE admin_campaigns (
    id TEXT PRIMARY KEY,
    config_json TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
