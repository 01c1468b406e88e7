-- The built-in modules 1001-1007 of OMServer, now with typed parameters and argument-vector commands.
--
-- module_list.param_schema is a JSON array with one object per form field:
--   name       required; letters, digits, _ (the form field and the ${name} used in command_template)
--   type       required; "INT", "ENUM" or "STRING"
--   label      text shown next to the field; defaults to name
--   required   true (default) or false; an empty value counts as missing
--   default    a string used when the value is missing
--   help       one plain-text sentence shown under the field
--   min, max   INT only: inclusive bounds (whole numbers)
--   choices    ENUM only: an object {"shown choice": "value put into the command", ...} in display order,
--              or an array ["a", "b"] when each choice is its own value
--   pattern    STRING only: a Java regular expression the whole value must match
--   maxLength  STRING only: at most this many characters (default 256)
-- Unknown keys are refused when the row is loaded.
--
-- module_list.command_template is a JSON array of strings: the argument vector. Each element is literal text
-- or exactly "${name}", which the parameter's value replaces as one whole argument. No shell is involved:
-- a value such as "a b; c" stays one argument. "${" anywhere else is an error. Every parameter the template
-- uses must be required or have a default. NULL means the module has no command yet and cannot run.
--
-- Avoid backslashes in these literals: MySQL reads them as escapes, H2 does not.

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1001, 'view system log',
        'Shows the last lines of /var/log/messages on each host.',
        NULL, 'any',
        '[{"name":"sys_param_1","label":"Lines","type":"INT","required":true,"default":"50","min":1,"max":999,"help":"How many of the last lines to show, 1 to 999."}]',
        '["tail","-n","${sys_param_1}","/var/log/messages"]',
        60, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1002, 'view latest logins',
        'Shows the last lines of /var/log/secure (logins, sudo) on each host.',
        NULL, 'any',
        '[{"name":"sys_param_1","label":"Lines","type":"INT","required":true,"default":"50","min":1,"max":999,"help":"How many of the last lines to show, 1 to 999."}]',
        '["tail","-n","${sys_param_1}","/var/log/secure"]',
        60, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1003, 'view OS version',
        'Shows the first line of /etc/issue on each host.',
        NULL, 'any', '[]', '["head","-n","1","/etc/issue"]', 60, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1004, 'view kernel modules',
        'Lists the loaded kernel modules (lsmod) on each host.',
        NULL, 'any', '[]', '["lsmod"]', 60, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1005, 'sync application file',
        'Copies a file from the master''s file store to its fixed place on each host, then runs its follow-up command. Not available yet: it needs the master file store, which arrives with the native-agent work.',
        NULL, 'any',
        '[{"name":"sys_param_1","label":"File","type":"ENUM","required":true,"choices":["nginx","nginx_config","haproxy","syslog","sysctl","resin","resinhttpd","resinjar"],"help":"Which application file to send."}]',
        NULL, 300, TRUE, FALSE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1006, 'view application config',
        'Shows the configuration file of a service on each host. For limits it shows /etc/security/limits.conf (the original ran ulimit -n, a shell builtin that a command without a shell cannot run).',
        NULL, 'any',
        '[{"name":"sys_param_1","label":"Service","type":"ENUM","required":true,"choices":{"resin":"/usr/local/resin/conf/resin.conf","nginx":"/usr/local/nginx/conf/nginx.conf","haproxy":"/etc/haproxy/haproxy.cfg","apache":"/etc/httpd/conf/httpd.conf","mysql":"/etc/my.cnf","snmp":"/etc/snmp/snmpd.conf","lighttpd":"/etc/lighttpd/lighttpd.conf","squid":"/etc/squid/squid.conf","firewall":"/etc/sysconfig/iptables","limits":"/etc/security/limits.conf"},"help":"Whose configuration file to show."}]',
        '["cat","${sys_param_1}"]',
        60, FALSE, TRUE);

INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (1007, 'restart a service',
        'Restarts a service with its /etc/init.d script on each host (needs root).',
        NULL, 'any',
        '[{"name":"sys_param_1","label":"Service","type":"ENUM","required":true,"choices":{"resin":"/etc/init.d/resin","nginx":"/etc/init.d/nginx","haproxy":"/etc/init.d/haproxy","apache":"/etc/init.d/httpd","mysql":"/etc/init.d/mysqld","lighttpd":"/etc/init.d/lighttpd","snmp":"/etc/init.d/snmpd","squid":"/etc/init.d/squid"},"help":"Which service to restart."}]',
        '["${sys_param_1}","restart"]',
        120, TRUE, TRUE);
