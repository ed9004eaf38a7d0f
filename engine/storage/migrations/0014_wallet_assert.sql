-- A check a single data-modifying statement can make about its own CTEs: raising aborts the
-- statement, so a write that should have come in pairs is undone even with no explicit
-- transaction around it (used by the one-statement reserve of a generation's money).
CREATE OR REPLACE FUNCTION wallet_assert(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'wallet invariant broken: %', message;
    END IF;
    RETURN true;
END
$$;
