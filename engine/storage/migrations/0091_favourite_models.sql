-- Models a user starred on a model card (☆/★): shown on the main screen, newest first.
CREATE TABLE IF NOT EXISTS favourite_models (
    user_id     bigint NOT NULL,
    model       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, model)
);
