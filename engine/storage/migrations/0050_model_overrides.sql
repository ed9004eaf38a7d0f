-- Admins' changes to the model catalog (flows/admin/models.yaml): a model switched off or on,
-- its own markup or a fixed price for its cheapest choice, and the explicit free-tier list.
-- Only changed models have a row; models/ stays the source of everything else. Every instance
-- reads this table through a cache of a few seconds (plugins/catalog/overrides.py).

CREATE TABLE IF NOT EXISTS model_overrides (
    model_id             text PRIMARY KEY,
    enabled              boolean,                        -- NULL: as models/ says
    markup               numeric(10, 4) CHECK (markup IS NULL OR markup >= 1),
    fixed_price_kopecks  bigint CHECK (fixed_price_kopecks IS NULL OR fixed_price_kopecks > 0),
    free                 boolean NOT NULL DEFAULT false,
    updated_by           bigint NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS model_overrides_free ON model_overrides (model_id) WHERE free;
