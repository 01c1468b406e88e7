-- File store (issue 3, the old IOMS FileUpdateServer): one row per stored file; the content lives on the master's
-- disk under files.dir, named like the row. Times are UTC, written by the application.
CREATE TABLE oms_file (
    -- checked by the master: [A-Za-z0-9][A-Za-z0-9._-]{0,127}, no '..'
    name varchar(128) NOT NULL,
    size_bytes bigint NOT NULL,
    md5 char(32) NOT NULL,
    sha256 char(64) NOT NULL,
    uploaded_by varchar(64) NOT NULL,
    uploaded_at datetime(3) NOT NULL,
    -- when the checksums were last computed from the bytes on disk (upload or re-hash)
    hashed_at datetime(3) NOT NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- IOMS downloads: the agent fetches the file from the master (its own key), checks sha256 and md5, and moves it
-- into place atomically; only under the agent's allow.download-roots. The agent's transfer timeout applies to the
-- transfer; the module timeout bounds the whole run on the master's side, hence the generous one hour.
INSERT INTO module_list (ID, module_name, module_caption, module_extend, backend, param_schema, command_template, timeout_seconds, needs_root, enabled)
VALUES (2010, 'downloads',
        'Copies a file from the master''s file store into a directory on each agent host. The agent checks its SHA-256 and MD5 and writes it atomically, only under the download roots its own configuration allows (allow.download-roots).',
        NULL, 'agent',
        '[{"name":"file","label":"File","type":"FILE","required":true,"help":"A file from the file store (see cmd=dir)."},{"name":"path","label":"Destination directory","type":"STRING","required":true,"pattern":"/[A-Za-z0-9._/-]*","maxLength":1024,"help":"An absolute directory on the host, under one of the agent''s download roots."}]',
        '["omserver:downloads","${file}","${path}"]',
        3600, FALSE, TRUE);
