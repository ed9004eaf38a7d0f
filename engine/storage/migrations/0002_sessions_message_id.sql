-- sessions.message_id is no longer written: nothing read it, and leaving it out lets a
-- session be saved while its screen is still being sent. Kept (not dropped): migrations
-- never destroy data.
COMMENT ON COLUMN sessions.message_id IS 'Not written since migration 0002; kept for old rows.';
