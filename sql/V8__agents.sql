-- Native agent (issue #3): enrollment tokens, enrolled agents with their own keys, and their metrics.
-- Times are UTC, written by the application.

-- One-time enrollment tokens. Only SHA-256 of the token is kept (hex); it is also the key the agent seals its
-- enrollment with, so the token itself never crosses the wire.
CREATE TABLE oms_agent_token (
    token_id varchar(16) NOT NULL,
    token_sha256 char(64) NOT NULL,
    created_at datetime(3) NOT NULL,
    created_by varchar(64) NOT NULL,
    expires_at datetime(3) NOT NULL,
    used_at datetime(3) NULL,
    used_by varchar(64) NULL,
    PRIMARY KEY (token_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Enrolled agents. agent_key is the per-agent key (Base64): the master needs it to check and seal every call.
-- address is where the enrollment came from and where the master calls the agent (server_list.server_lip).
CREATE TABLE oms_agent (
    agent_id varchar(64) NOT NULL,
    agent_key varchar(64) NOT NULL,
    address varchar(45) NOT NULL,
    port int NOT NULL,
    -- ACTIVE or REVOKED
    status varchar(16) NOT NULL,
    hostname varchar(255) NOT NULL,
    lan_ips varchar(1000) NOT NULL,
    wan_ips varchar(1000) NOT NULL,
    macs varchar(1000) NOT NULL,
    os varchar(255) NOT NULL,
    cores int NOT NULL,
    memory_bytes bigint NOT NULL,
    agent_version varchar(32) NOT NULL,
    enrolled_at datetime(3) NOT NULL,
    announced_at datetime(3) NULL,
    last_heartbeat datetime(3) NULL,
    revoked_at datetime(3) NULL,
    PRIMARY KEY (agent_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_agent_address ON oms_agent (address, status);

-- One row per heartbeat; rows older than agents.metrics-retention are deleted by the master.
CREATE TABLE oms_agent_metric (
    id bigint NOT NULL AUTO_INCREMENT,
    agent_id varchar(64) NOT NULL,
    at datetime(3) NOT NULL,
    cpu_percent double NOT NULL,
    load1 double NOT NULL,
    memory_used bigint NOT NULL,
    memory_total bigint NOT NULL,
    disk_used bigint NOT NULL,
    disk_total bigint NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_agent_metric_agent_at ON oms_agent_metric (agent_id, at);
