-- Issue 4, users and roles: operators are granted function categories; the audit log is searchable.

-- An operator may run modules only on hosts whose application category belongs to a granted function category.
CREATE TABLE oms_user_grant (
    user_id bigint NOT NULL,
    function_category_id int NOT NULL,
    granted_at datetime(3) NOT NULL,
    granted_by varchar(64) NOT NULL,
    PRIMARY KEY (user_id, function_category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX oms_user_grant_category ON oms_user_grant (function_category_id);

-- The audit viewer pages newest first by id, filtered by actor, action or outcome.
CREATE INDEX oms_audit_actor_id ON oms_audit (actor, id);
CREATE INDEX oms_audit_action_id ON oms_audit (action, id);
CREATE INDEX oms_audit_outcome_id ON oms_audit (outcome, id);
