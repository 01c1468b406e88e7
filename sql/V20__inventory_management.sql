-- Issue 4, inventory management: tags, admin edits that agents keep, and IOMS server types as named groups.

-- Tags: lower-case tokens ([a-z0-9._-], 1-32 characters), comma-separated, at most 16 per server; NULL = none.
ALTER TABLE server_list ADD COLUMN tags varchar(600) NULL;
-- TRUE once an admin (RPC, CLI, API, gateway or CSV import) created or edited the row: an agent's announce then
-- keeps the row's name, WAN IP, category, tags, backend and SSH settings and updates only the OS.
ALTER TABLE server_list ADD COLUMN admin_edited boolean NOT NULL DEFAULT FALSE;

CREATE INDEX server_list_name ON server_list (server_name);

-- IOMS server types: a named group of servers (many-to-many). `servertype=NAME` targets the group's online agent hosts.
CREATE TABLE oms_server_group (
    ID int NOT NULL AUTO_INCREMENT,
    -- [A-Za-z0-9._-], 1-64 characters: it is written in IOMS requests (servertype=NAME)
    group_name varchar(64) NOT NULL,
    created_at datetime(3) NOT NULL,
    created_by varchar(64) NOT NULL,
    PRIMARY KEY (ID),
    UNIQUE KEY oms_server_group_name (group_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- No foreign key to server_list (a legacy table, loaded from dumps in any order); removing a server removes its memberships.
CREATE TABLE oms_server_group_member (
    group_id int NOT NULL,
    server_lip varchar(45) NOT NULL,
    PRIMARY KEY (group_id, server_lip),
    CONSTRAINT oms_server_group_member_group FOREIGN KEY (group_id) REFERENCES oms_server_group (ID) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_server_group_member_server ON oms_server_group_member (server_lip);
