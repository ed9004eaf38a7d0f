-- The funnel report reads the users' sources where the growth plug-in writes them
-- (growth_users.first_source): the copy kept in step by a trigger (0117, 0118) is no longer
-- fed. Its table stays (migrations never drop one: an instance of the previous release may
-- still read it during a rolling deploy); nothing of this release reads or writes it.
DROP TRIGGER IF EXISTS growth_users_sources ON growth_users;
DROP FUNCTION IF EXISTS growth_sources_follow();
