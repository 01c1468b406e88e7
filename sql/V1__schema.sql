-- OMServer for Java: the schema. Runs unchanged on MySQL 8 / MariaDB 10.11 and on H2 2.x in MySQL mode.
--
-- The five OMServer tables keep every original table and column name, so rows dumped from an existing
-- OMServer database with explicit column lists (mysqldump --complete-insert --no-create-info) load unchanged.
-- Types that were too small are widened (a LAN IP was char(12): it could not hold 192.168.100.200);
-- every new column has a default or is nullable.
--
-- Times in the oms_* tables are UTC, written by the application (never the server's clock or zone).

CREATE TABLE server_fun_categ (
    ID int NOT NULL AUTO_INCREMENT,
    server_categ_name varchar(64) NOT NULL,
    PRIMARY KEY (ID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE server_app_categ (
    ID int NOT NULL AUTO_INCREMENT,
    server_categ_id int NOT NULL,
    app_categ_name varchar(128) NOT NULL,
    PRIMARY KEY (ID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX server_app_categ_fun ON server_app_categ (server_categ_id);

-- No foreign keys on the legacy tables: dumps of old databases load table by table, in any order.
CREATE TABLE server_list (
    server_name varchar(64) NULL,
    server_wip varchar(45) NULL,
    server_lip varchar(45) NOT NULL,
    server_op varchar(32) NULL,
    server_app_id int NULL,
    -- executor backend for this host (ssh, agent...); NULL = the master's configured default
    backend varchar(16) NULL,
    ssh_port int NOT NULL DEFAULT 22,
    -- NULL = the SSH backend's configured default user
    ssh_user varchar(64) NULL,
    PRIMARY KEY (server_lip)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX server_list_app ON server_list (server_app_id);

CREATE TABLE module_list (
    ID int NOT NULL AUTO_INCREMENT,
    module_name varchar(64) NOT NULL,
    -- legacy rows hold HTML here; the catalog strips markup before showing it
    module_caption text NULL,
    -- legacy HTML form fragment (sys_param_1 / sys_param_2); new modules use param_schema
    module_extend text NULL,
    -- 'any', or the executor backend this module requires
    backend varchar(16) NOT NULL DEFAULT 'any',
    -- JSON list of parameters, see V2__builtin_modules.sql and module-catalog/README.md
    param_schema text NULL,
    -- JSON array of strings: literal arguments or exactly ${param}; NULL = legacy row, not runnable
    command_template text NULL,
    timeout_seconds int NOT NULL DEFAULT 60,
    needs_root boolean NOT NULL DEFAULT FALSE,
    enabled boolean NOT NULL DEFAULT TRUE,
    PRIMARY KEY (ID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Shell commands typed on hosts (OMServer's command audit); kept for old data, written by agents later.
CREATE TABLE server_history (
    ID int NOT NULL AUTO_INCREMENT,
    history_id varchar(32) NULL,
    history_ip varchar(45) NULL,
    history_user varchar(64) NULL,
    history_datetime datetime NULL,
    db_datetime datetime NULL DEFAULT CURRENT_TIMESTAMP,
    history_command text NULL,
    PRIMARY KEY (ID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE oms_user (
    id bigint NOT NULL AUTO_INCREMENT,
    username varchar(64) NOT NULL,
    -- bcrypt, $2b$10$...
    password_hash varchar(100) NOT NULL,
    -- admin, author, operator, viewer
    role varchar(16) NOT NULL,
    enabled boolean NOT NULL DEFAULT TRUE,
    created_at datetime(3) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT oms_user_username UNIQUE (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE oms_job (
    id bigint NOT NULL AUTO_INCREMENT,
    created_at datetime(3) NOT NULL,
    username varchar(64) NOT NULL,
    module_id int NOT NULL,
    -- JSON object: parameter name -> value as shown (secrets masked)
    params text NOT NULL,
    -- JSON array of LAN IPs
    targets mediumtext NOT NULL,
    -- RUNNING, FINISHED, INTERRUPTED
    status varchar(16) NOT NULL,
    finished_at datetime(3) NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_job_created_at ON oms_job (created_at);

CREATE TABLE oms_job_host (
    job_id bigint NOT NULL,
    lan_ip varchar(45) NOT NULL,
    host_name varchar(64) NOT NULL,
    success boolean NOT NULL,
    exit_code int NULL,
    failure_reason varchar(32) NULL,
    message text NOT NULL,
    duration_ms bigint NOT NULL,
    -- each capped at 64 KiB of UTF-8 by the repository; truncated says the cap was hit
    stdout mediumtext NOT NULL,
    stderr mediumtext NOT NULL,
    truncated boolean NOT NULL DEFAULT FALSE,
    PRIMARY KEY (job_id, lan_ip),
    CONSTRAINT oms_job_host_job FOREIGN KEY (job_id) REFERENCES oms_job (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE oms_audit (
    id bigint NOT NULL AUTO_INCREMENT,
    at datetime(3) NOT NULL,
    actor varchar(128) NOT NULL,
    client_address varchar(128) NOT NULL,
    action varchar(64) NOT NULL,
    module_id int NULL,
    params text NOT NULL,
    targets mediumtext NOT NULL,
    outcome varchar(64) NOT NULL,
    detail text NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_audit_at ON oms_audit (at);
