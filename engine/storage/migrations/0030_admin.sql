-- The admin console: roles given in the bot, one append-only audit of admin actions, and
-- blocked users. Owners are ADMIN_IDS (configuration), never rows here.

CREATE TABLE IF NOT EXISTS admin_roles (
    user_id     bigint PRIMARY KEY,
    role        text NOT NULL CHECK (role IN ('support', 'admin')),
    granted_by  bigint NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now()
);

-- Every admin action: who, what, on whom, the value before and after, when. Never changed.
CREATE TABLE IF NOT EXISTS admin_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    admin_id     bigint NOT NULL,
    action       text NOT NULL CHECK (action ~ '^[a-z][a-z_.]{0,63}$'),
    target_user  bigint,
    subject      text NOT NULL DEFAULT '',
    old_value    text,
    new_value    text,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS admin_audit_by_admin ON admin_audit (admin_id, id DESC);
CREATE INDEX IF NOT EXISTS admin_audit_by_user ON admin_audit (target_user, id DESC)
    WHERE target_user IS NOT NULL;

CREATE OR REPLACE TRIGGER admin_audit_append_only
    BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();

CREATE OR REPLACE TRIGGER admin_audit_no_truncate
    BEFORE TRUNCATE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION wallet_forbid_change();

-- The wallet keeps its own record of settings changes and receipt decisions (wallet_audit);
-- each of its rows is copied here in the same statement, so admin_audit is the one place
-- to read every admin action. A receipt decision names the receipt's user.
CREATE OR REPLACE FUNCTION admin_audit_from_wallet() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO admin_audit (admin_id, action, target_user, subject, old_value, new_value,
                             note, created_at)
    VALUES (NEW.admin_id, 'wallet.' || NEW.action,
            CASE WHEN NEW.subject ~ '^[0-9]{1,18}$' AND NEW.action LIKE 'receipt%'
                 THEN (SELECT user_id FROM receipts WHERE id = NEW.subject::bigint) END,
            NEW.subject, NEW.old_value, NEW.new_value, NEW.note, NEW.created_at);
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER wallet_audit_to_admin_audit
    AFTER INSERT ON wallet_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_from_wallet();

INSERT INTO admin_audit (admin_id, action, subject, old_value, new_value, note, created_at)
SELECT w.admin_id, 'wallet.' || w.action, w.subject, w.old_value, w.new_value, w.note,
       w.created_at
  FROM wallet_audit w
 WHERE NOT EXISTS (SELECT 1 FROM admin_audit a
                    WHERE a.action = 'wallet.' || w.action AND a.subject = w.subject
                      AND a.created_at = w.created_at AND a.admin_id = w.admin_id);

-- Users an admin blocked: they get one line and nothing else, and no job of theirs starts.
CREATE TABLE IF NOT EXISTS user_blocks (
    user_id     bigint PRIMARY KEY,
    blocked_by  bigint NOT NULL,
    reason      text NOT NULL DEFAULT '',
    blocked_at  timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION jobs_refuse_blocked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM user_blocks WHERE user_id = NEW.user_id) THEN
        RAISE EXCEPTION 'user % is blocked: no job of theirs starts', NEW.user_id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER jobs_refuse_blocked
    BEFORE INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_refuse_blocked();

-- Users who blocked the bot (Telegram said so: my_chat_member "kicked", or 403 on a send).
ALTER TABLE users ADD COLUMN IF NOT EXISTS bot_blocked_at timestamptz;
CREATE INDEX IF NOT EXISTS users_by_username ON users (lower(username)) WHERE username IS NOT NULL;
