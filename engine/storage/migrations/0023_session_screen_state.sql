-- A screen's own state (page numbers of generated rows, results of on_enter actions) is kept
-- with the screen, so a re-render shows it as it was; the old one-render "flash" is gone.
ALTER TABLE sessions RENAME COLUMN flash TO state;
UPDATE sessions SET state = '{}'::jsonb;
