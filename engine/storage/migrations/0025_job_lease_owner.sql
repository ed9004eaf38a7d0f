-- Which job runner holds a job's lease (a random id per runner, so per process). The holder
-- renews the lease while a step runs (a big result downloaded and sent can outlast any fixed
-- lease), and gives back only its own: a runner that lost its lease never clears another's.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS lease_owner uuid;
