-- Results that are not only files: a text result (Suno lyrics, timed lyrics) as Kie's
-- resultObject, and the items of a file result with their ids (Suno tracks), which follow-up
-- models (extend, WAV, music video …) take from the user's own job.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS result_object jsonb;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS result_items jsonb NOT NULL DEFAULT '[]'::jsonb;
