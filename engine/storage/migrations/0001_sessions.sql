-- Conversation state per Telegram user: the screen they are on, its arguments, the back
-- stack, form values, language, and the version every rendered keyboard carries.
CREATE TABLE IF NOT EXISTS sessions (
    user_id      bigint PRIMARY KEY,
    chat_id      bigint NOT NULL,
    language     text NOT NULL DEFAULT 'ru',
    screen       text,
    args         jsonb NOT NULL DEFAULT '{}'::jsonb,
    stack        jsonb NOT NULL DEFAULT '[]'::jsonb,
    form         jsonb NOT NULL DEFAULT '{}'::jsonb,
    rendered     jsonb NOT NULL DEFAULT '{}'::jsonb,
    flash        jsonb NOT NULL DEFAULT '{}'::jsonb,
    version      bigint NOT NULL DEFAULT 0,
    message_id   bigint,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Telegram users we have met, for admin screens and notifications.
CREATE TABLE IF NOT EXISTS users (
    user_id      bigint PRIMARY KEY,
    first_name   text NOT NULL DEFAULT '',
    username     text,
    language     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
