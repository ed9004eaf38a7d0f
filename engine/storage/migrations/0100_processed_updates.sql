-- Updates being or already handled, by Telegram's update_id, so a webhook delivery Telegram
-- repeats (no acknowledgement reached it, or a proxy retried it on another instance) is
-- handled once (engine/telegram/serial.py, under the user's lock). A row is written with
-- `done` false before the handling starts, with the version the user's session had then,
-- and set `done` when it ends: a row left not done means the instance handling it stopped
-- midway, and the session's version tells whether that attempt got as far as saving.
-- Keyed by the bot too: update ids are per bot, and a database may outlive a bot's token.
-- Rows older than a day are pruned, long after Telegram stops retrying.
CREATE TABLE IF NOT EXISTS processed_updates (
    bot_id          bigint NOT NULL,
    update_id       bigint NOT NULL,
    started_version bigint,
    done            boolean NOT NULL DEFAULT false,
    handled_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX IF NOT EXISTS processed_updates_age ON processed_updates (handled_at);
