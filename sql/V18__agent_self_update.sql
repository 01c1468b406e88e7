-- Agent self-update (issue #3 item 8): the last update each agent reported in its announcement, and module 2050.

-- The agent's last self-update as it reported it: PENDING (swapped, not yet confirmed), UPDATED or ROLLED_BACK
-- (with the reason in update_detail). update_at is when the update began on the agent's clock.
ALTER TABLE oms_agent ADD COLUMN update_state varchar(16) NULL;
ALTER TABLE oms_agent ADD COLUMN update_from varchar(64) NULL;
ALTER TABLE oms_agent ADD COLUMN update_to varchar(64) NULL;
ALTER TABLE oms_agent ADD COLUMN update_package varchar(128) NULL;
ALTER TABLE oms_agent ADD COLUMN update_detail varchar(1000) NULL;
ALTER TABLE oms_agent ADD COLUMN update_at datetime(3) NULL;

-- IOMS updateself: the agent fetches a signed package from the file store, verifies every file, swaps and
-- restarts under its supervisor. The master rolls out to one canary host first, then in batches, and stops on the
-- first failed batch; a host succeeds only when its agent comes back announcing the new version (not on its first
-- reply). The timeout covers download, restart and the health check.
INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2050, 'updateself',
        'Updates the agent on each host from a signed update package in the file store (omserver update-package). One canary host first, then in batches; the rollout stops at the first failed batch. A host counts as updated only when its agent restarts and announces the new version; a version that fails its health check is rolled back by the host''s supervisor.',
        NULL, 'agent',
        '[{"name":"package","label":"Update package","type":"FILE","required":true,"help":"A package made with omserver update-package and uploaded to the file store."}]',
        '["omserver:updateself","${package}"]',
        600, FALSE, TRUE);
