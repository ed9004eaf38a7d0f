-- A/B splits ended by an admin: the split (its id in the flows) now opens this variant for
-- everyone. The flows stay the source of truth: a variant no longer in the YAML is ignored.
CREATE TABLE IF NOT EXISTS split_winners (
    split      text PRIMARY KEY,
    variant    text NOT NULL,
    chosen_by  bigint NOT NULL,
    chosen_at  timestamptz NOT NULL DEFAULT now()
);
