-- Broadcasts (flows/admin/broadcasts.yaml): a message an admin composed, sent to a segment of
-- users by a background worker (plugins/admin/broadcast_worker.py). Each recipient is a row
-- keyed by (broadcast, user), so a user gets a broadcast at most once whatever crashes: a
-- driver claims a few recipients ('claimed'), marks each 'sending' just before its call to
-- Telegram and 'sent' (or 'blocked', 'failed') after. After a crash the next driver puts
-- 'claimed' back to 'pending' (never sent) and counts 'sending' as 'unknown': the call was in
-- flight, it may have arrived, it is never sent again (at most once).

-- Users who turned "news and offers" off in Settings: no broadcast reaches them.
ALTER TABLE users ADD COLUMN IF NOT EXISTS news_opt_out boolean NOT NULL DEFAULT false;

CREATE TABLE IF NOT EXISTS broadcasts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    admin_id        bigint NOT NULL,                 -- who composed it; progress goes to their chat
    text_html       text NOT NULL DEFAULT '',        -- Telegram HTML, as the admin formatted it
    photo           text,                            -- a Telegram file id
    button_kind     text NOT NULL DEFAULT 'none' CHECK (button_kind IN ('none', 'screen', 'url')),
    button_target   text NOT NULL DEFAULT '',        -- a screen key (see broadcasts.SCREENS) or an https URL
    button_label    text NOT NULL DEFAULT '',        -- the URL button's label (screen buttons use a text)
    segment         text NOT NULL DEFAULT 'all'
                    CHECK (segment IN ('all', 'paying', 'inactive', 'language', 'model')),
    segment_value   text NOT NULL DEFAULT '',        -- days, a language or a model id
    state           text NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'sending', 'paused', 'stopped', 'done')),
    total           integer NOT NULL DEFAULT 0,
    progress_message bigint,                         -- the admin's message edited in place
    lease_owner     uuid,                            -- the instance driving it …
    lease_until     timestamptz,                     -- … until then, unless it renews
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz
);

CREATE INDEX IF NOT EXISTS broadcasts_to_drive ON broadcasts (id) WHERE state = 'sending';

CREATE TABLE IF NOT EXISTS broadcast_recipients (
    broadcast_id  bigint NOT NULL REFERENCES broadcasts (id),
    user_id       bigint NOT NULL,
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'blocked', 'failed', 'unknown')),
    error         text NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (broadcast_id, user_id)
);

CREATE INDEX IF NOT EXISTS broadcast_recipients_pending
    ON broadcast_recipients (broadcast_id, user_id) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS broadcast_recipients_in_hand
    ON broadcast_recipients (broadcast_id) WHERE state IN ('claimed', 'sending');
