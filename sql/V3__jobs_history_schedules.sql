-- Issue 5: job history, rolling runs, retries and schedules.
-- Runs on MySQL 8 / MariaDB 10.11 and on H2 2.x in MySQL mode: one column per ALTER, no backslashes.

-- Host counts, written when the job ends (a running job's counts come from the master's memory),
-- so that a history page never has to count host rows.
ALTER TABLE oms_job ADD COLUMN hosts_total int NOT NULL DEFAULT 0;
ALTER TABLE oms_job ADD COLUMN hosts_succeeded int NOT NULL DEFAULT 0;
ALTER TABLE oms_job ADD COLUMN hosts_failed int NOT NULL DEFAULT 0;
ALTER TABLE oms_job ADD COLUMN hosts_skipped int NOT NULL DEFAULT 0;
-- a retry points at the job it retried
ALTER TABLE oms_job ADD COLUMN parent_job_id bigint NULL;
-- set when a schedule started the job
ALTER TABLE oms_job ADD COLUMN schedule_id bigint NULL;
-- JSON object of the rolling settings (batchSize, maxInFlight, failureThreshold, commandTimeoutSeconds); NULL = none
ALTER TABLE oms_job ADD COLUMN rolling varchar(512) NULL;
-- why the job ended early: threshold exceeded, cancelled by whom
ALTER TABLE oms_job ADD COLUMN stop_reason varchar(512) NULL;

-- History pages are keyset-paged newest first (ORDER BY id DESC); each filter has an index ending in id.
CREATE INDEX oms_job_user_id ON oms_job (username, id);
CREATE INDEX oms_job_module_id ON oms_job (module_id, id);
CREATE INDEX oms_job_status_id ON oms_job (status, id);
CREATE INDEX oms_job_parent ON oms_job (parent_job_id);

-- SHA-256 (hex) of exit code, stdout and stderr: hosts with the same hash form one output group (clush -b)
ALTER TABLE oms_job_host ADD COLUMN output_hash char(64) NOT NULL DEFAULT '';
-- characters kept per stream, so host tables need not read the outputs
ALTER TABLE oms_job_host ADD COLUMN stdout_chars int NOT NULL DEFAULT 0;
ALTER TABLE oms_job_host ADD COLUMN stderr_chars int NOT NULL DEFAULT 0;

CREATE TABLE oms_schedule (
    id bigint NOT NULL AUTO_INCREMENT,
    name varchar(128) NOT NULL,
    -- the user the runs are made as
    owner varchar(64) NOT NULL,
    -- five-field Unix cron, UTC
    cron varchar(128) NOT NULL,
    module_id int NOT NULL,
    -- JSON array of LAN IPs
    targets mediumtext NOT NULL,
    -- JSON object: raw form values, validated again at every run
    params text NOT NULL,
    rolling varchar(512) NULL,
    -- SKIP or QUEUE
    overlap varchar(8) NOT NULL,
    paused boolean NOT NULL DEFAULT FALSE,
    created_at datetime(3) NOT NULL,
    next_run_at datetime(3) NULL,
    last_run_at datetime(3) NULL,
    last_job_id bigint NULL,
    last_outcome varchar(512) NULL,
    -- QUEUE policy: a run fell due while the last job was still running
    run_pending boolean NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_schedule_next ON oms_schedule (paused, next_run_at);
