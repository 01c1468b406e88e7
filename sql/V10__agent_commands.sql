-- The IOMS command set on hosts through the native agent (issue #3, items 3, 5, 6, 7): catalog modules 2001-2009,
-- each an agent built-in (omserver:NAME), and the master's allow-list for free commands (cmd=command, cron entries).
-- Avoid backslashes in these literals: MySQL reads them as escapes, H2 does not.

-- The master's exact allow-list for free commands: a command's words (split at spaces, see CommandWords) must
-- match an entry: program compared exactly with the first word; args are regular expressions separated by
-- spaces, one per following word, each matching the whole word; a last pattern followed by ... accepts any
-- number of further words like it. The agent checks its own allow-list again.
CREATE TABLE oms_command_allow (
    id int NOT NULL AUTO_INCREMENT,
    program varchar(255) NOT NULL,
    args varchar(1000) NOT NULL,
    note varchar(255) NOT NULL,
    created_by varchar(64) NOT NULL,
    created_at datetime(3) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO oms_command_allow (program, args, note, created_by, created_at) VALUES
    ('uptime', '', 'load and uptime', 'V10', '2026-12-07 00:00:00.000'),
    ('df', '-h|-k|-i ...', 'disk use', 'V10', '2026-12-07 00:00:00.000'),
    ('free', '-m|-h', 'memory', 'V10', '2026-12-07 00:00:00.000'),
    ('ls', '-[alhtrSd]{1,6}|/[A-Za-z0-9._/-]{0,255} ...', 'list files', 'V10', '2026-12-07 00:00:00.000');

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2001, 'agentlist',
        'Asks each host''s agent to answer: alive, its host name and version (the IOMS liveness probe).',
        NULL, 'agent', '[]', '["omserver:agentlist"]', 30, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2002, 'agent version',
        'Shows the version of each host''s agent.',
        NULL, 'agent', '[]', '["omserver:version"]', 30, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2003, 'command',
        'Runs a command from the allowed list: a program and its arguments separated by spaces, without a shell (no quotes, pipes, redirections, wildcards or variables). The master checks its allow-list (omserver commands) and each agent its own.',
        NULL, 'agent',
        '[{"name":"command","label":"Command","type":"STRING","required":true,"maxLength":4096,"help":"A program and its arguments separated by spaces, e.g. df -h"}]',
        '["omserver:command","${command}"]', 300, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2004, 'cronlist',
        'Lists the cron entries kept by each host''s agent: id, schedule, command, keep-alive process, next run and last outcome.',
        NULL, 'agent', '[]', '["omserver:cronlist"]', 30, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2005, 'cronadd',
        'Adds a cron entry on each host: a five-field schedule in the host''s time zone and a command (absolute program path and arguments, no shell). With a process name it is an IOMS keep-alive guard: the program starts only when no process of that name runs.',
        NULL, 'agent',
        '[{"name":"schedule","label":"Schedule","type":"STRING","required":true,"maxLength":128,"help":"minute hour day-of-month month day-of-week, e.g. */5 * * * *"},{"name":"command","label":"Command","type":"STRING","required":true,"maxLength":4096,"help":"An absolute program path and its arguments separated by spaces"},{"name":"process","label":"Keep-alive process","type":"STRING","required":false,"default":"-","pattern":"-|[A-Za-z0-9._+-]{1,64}","help":"Start only when no process of this name runs; - runs it at every due time"}]',
        '["omserver:cronadd","${schedule}","${command}","${process}"]', 30, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2006, 'cronremove',
        'Removes a cron entry on each host, by its id (see cronlist) or by its IOMS form min;hour;day;month;weekday;abs-path;process-name.',
        NULL, 'agent',
        '[{"name":"entry","label":"Entry","type":"STRING","required":true,"maxLength":4300,"help":"An entry id such as 1a2b3c4d, or min;hour;day;month;weekday;abs-path;process-name"}]',
        '["omserver:cronremove","${entry}"]', 30, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2007, 'password',
        'Changes an OS account''s password on each host with chpasswd (the secret goes to its stdin, never to a command line, log or history). Needs an agent running as root; root and system accounts are refused unless the agent allows them.',
        NULL, 'agent',
        '[{"name":"account","label":"Account","type":"STRING","required":true,"pattern":"[a-z_][a-z0-9_.-]{0,31}","help":"The OS account, e.g. deploy"},{"name":"password","label":"New password","type":"SECRET","required":true,"maxLength":512,"help":"Masked everywhere; never stored"}]',
        '["omserver:password","${account}","${password}"]', 60, TRUE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2008, 'unzip',
        'Extracts a zip archive that is on each host into a directory, both under the agent''s allow.unzip-roots; refuses zip-slip names, escaping links, and archives over the agent''s size and entry limits.',
        NULL, 'agent',
        '[{"name":"unzipfile","label":"Archive","type":"STRING","required":true,"pattern":"/.{0,1023}","help":"Absolute path of the archive on the host"},{"name":"path","label":"Destination","type":"STRING","required":true,"pattern":"/.{0,1023}","help":"Absolute path of the directory to extract into"}]',
        '["omserver:unzip","${unzipfile}","${path}"]', 1800, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2009, 'agent help',
        'Lists the built-in commands each host''s agent has enabled (allow.builtins), with their usage.',
        NULL, 'agent', '[]', '["omserver:help"]', 30, FALSE, TRUE);
