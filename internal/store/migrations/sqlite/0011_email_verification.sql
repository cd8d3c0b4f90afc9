-- When the account's e-mail address was confirmed by a link sent to it;
-- NULL until then. Accounts from before verification existed were made by
-- admins or the demo, so they count as confirmed.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
UPDATE users SET email_verified_at = created_at;
