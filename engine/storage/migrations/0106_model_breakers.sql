-- Models taken off the menu automatically: one row per model whose recent orders kept failing
-- on Kie.ai's side, and the row '*' while our Kie.ai account cannot pay (every order refused).
-- Every instance reads the same rows, so they all refuse and recover together.
CREATE TABLE IF NOT EXISTS model_breakers (
    model       text PRIMARY KEY,
    reason      text NOT NULL CHECK (reason IN ('failures', 'no_credits')),
    tripped_at  timestamptz NOT NULL DEFAULT now(),
    until       timestamptz NOT NULL,   -- orders are refused until then, unless a success ends it
    failures    integer NOT NULL DEFAULT 0
);
