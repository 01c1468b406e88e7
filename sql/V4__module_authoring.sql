-- Module authoring (issue 4): shell mode, per-module parallelism, a version per module and its history.
-- Runs on MySQL 8 / MariaDB 10.11 and on H2 in MySQL mode.

-- TRUE: command_template is one shell line run by /bin/sh -c, every parameter single-quoted
ALTER TABLE module_list ADD COLUMN shell_mode boolean NOT NULL DEFAULT FALSE;
-- at most this many hosts of one job at once for this module; NULL = the master's run.max-parallel
ALTER TABLE module_list ADD COLUMN max_parallel int NULL;
-- the number of the module's latest module_version row; 0 = never changed through authoring (built-ins, old rows)
ALTER TABLE module_list ADD COLUMN version int NOT NULL DEFAULT 0;

-- One row per change of a module: who, when, what, and its definition before and after (module-file JSON,
-- never a secret value). Kept when the module is deleted, so a deletion can be rolled back.
CREATE TABLE module_version (
    id bigint NOT NULL AUTO_INCREMENT,
    module_id int NOT NULL,
    version int NOT NULL,
    -- UTC, written by the application
    changed_at datetime(3) NOT NULL,
    actor varchar(64) NOT NULL,
    -- create, update, enable, disable, import, delete, rollback
    action varchar(16) NOT NULL,
    summary varchar(1000) NOT NULL,
    -- the module after the change; NULL for a delete
    definition mediumtext NULL,
    -- the module before the change; NULL for a create
    previous_definition mediumtext NULL,
    PRIMARY KEY (id),
    CONSTRAINT module_version_unique UNIQUE (module_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
