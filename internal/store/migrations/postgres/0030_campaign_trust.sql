-- A juror's submitted review is locked; a programme admin may reopen it
-- for one more change, with a reason. reopened counts how often, so the
-- ranking can show that scores changed after submission.
ALTER TABLE campaign_reviews ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_reviews ADD COLUMN reopen_reason TEXT NOT NULL DEFAULT '';
-- The network a vote came from (IPv4 /24, IPv6 /64), never the address,
-- to flag many new accounts voting from one place.
ALTER TABLE campaign_votes ADD COLUMN client_net TEXT NOT NULL DEFAULT '';
