-- Money settings an admin may change (FX rate, markup, bonus, free-tier limits, top-up bounds).
-- Only values that differ from the code's defaults are stored; each is the text form of a
-- typed value that the application validates as a whole before writing.
CREATE TABLE IF NOT EXISTS wallet_settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    updated_by  bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Who changed what and when: settings changes and top-up decisions. Append-only.
CREATE TABLE IF NOT EXISTS wallet_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    admin_id    bigint NOT NULL,
    action      text NOT NULL,
    subject     text NOT NULL,
    old_value   text,
    new_value   text,
    note        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS wallet_audit_subject ON wallet_audit (action, subject, id);

CREATE OR REPLACE TRIGGER wallet_audit_append_only
    BEFORE UPDATE OR DELETE ON wallet_audit
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();

CREATE OR REPLACE TRIGGER wallet_audit_no_truncate
    BEFORE TRUNCATE ON wallet_audit
    FOR EACH STATEMENT EXECUTE FUNCTION wallet_forbid_change();
