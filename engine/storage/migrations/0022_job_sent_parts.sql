-- How many parts of a result (files, text messages) the user has been sent: a delivery retried
-- after a failed send goes on from there instead of sending the earlier parts again.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS sent_parts integer NOT NULL DEFAULT 0;
