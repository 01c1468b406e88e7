-- Issue 4, user pages: the user list shows when each user last logged in (page or API token).
ALTER TABLE oms_user ADD COLUMN last_login_at datetime(3) NULL;
