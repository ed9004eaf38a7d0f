-- The growth plug-in records /start sources in growth_users; the funnel report reads
-- user_sources. Keep the latter following the former (one writer, one reader, no drift).
CREATE OR REPLACE FUNCTION growth_sources_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.first_source IS NOT NULL THEN
        INSERT INTO user_sources (user_id, first_source, latest_source, first_at, latest_at)
        VALUES (NEW.user_id, NEW.first_source, coalesce(NEW.latest_source, NEW.first_source),
                coalesce(NEW.first_source_at, now()), coalesce(NEW.latest_source_at, now()))
        ON CONFLICT (user_id) DO UPDATE
            SET latest_source = excluded.latest_source, latest_at = excluded.latest_at;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER growth_users_sources
    AFTER INSERT OR UPDATE OF first_source, latest_source ON growth_users
    FOR EACH ROW EXECUTE FUNCTION growth_sources_follow();

INSERT INTO user_sources (user_id, first_source, latest_source, first_at, latest_at)
SELECT user_id, first_source, coalesce(latest_source, first_source),
       coalesce(first_source_at, now()), coalesce(latest_source_at, now())
  FROM growth_users WHERE first_source IS NOT NULL
ON CONFLICT (user_id) DO NOTHING;
