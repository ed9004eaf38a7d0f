-- The recipe a job was run from (models/recipes.yaml id), if any: "recent" on the main screen
-- offers the recipe again, and the job's card leads back to it.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS recipe text;
