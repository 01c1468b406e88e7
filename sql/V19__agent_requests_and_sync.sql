-- Issue 3: enrollment by admin approval (agents that ask without a token), and module 1005 (sync application file).
-- Times are UTC, written by the application.

-- An agent's request to be enrolled. public_key is the agent's X25519 key (X.509, Base64): the approval is sealed
-- with a key agreed with it, so only the requester can open its id and key. address is where the request came
-- from; asks from any other address, or with another key, are refused. state: PENDING, APPROVED or REJECTED.
CREATE TABLE oms_agent_request (
    request_id varchar(20) NOT NULL,
    public_key varchar(100) NOT NULL,
    address varchar(45) NOT NULL,
    port int NOT NULL,
    hostname varchar(255) NOT NULL,
    lan_ips varchar(1000) NOT NULL,
    wan_ips varchar(1000) NOT NULL,
    macs varchar(1000) NOT NULL,
    os varchar(255) NOT NULL,
    cores int NOT NULL,
    memory_bytes bigint NOT NULL,
    agent_version varchar(32) NOT NULL,
    state varchar(16) NOT NULL,
    requested_at datetime(3) NOT NULL,
    decided_at datetime(3) NULL,
    decided_by varchar(64) NULL,
    agent_id varchar(64) NULL,
    PRIMARY KEY (request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_agent_request_address ON oms_agent_request (address, state);

-- Module 1005, "sync application file", works now: through the master's file store and the agent's sync built-in.
-- The master names only the application; each agent's sync map (sync.<app>.file|dir|then, defaults in its jar's
-- sync-apps.properties) says which stored file goes to which fixed directory and which argument vector runs after it.
UPDATE module_list
SET module_caption = 'Copies an application''s file from the master''s file store to its fixed place on each host (the agent''s sync map), checksum verified and atomically, then runs its follow-up command (an argument vector on the agent''s allow-list, never a shell line). Agent hosts only; the file must be in the store under the name the map gives.',
    backend = 'agent',
    command_template = '["omserver:sync","${sys_param_1}"]',
    needs_root = FALSE,
    enabled = TRUE
WHERE ID = 1005;
