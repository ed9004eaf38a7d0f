-- Growth: referral links, traffic sources, promo codes (plugins/growth).

-- One row per user the growth plug-in has met: their referral code, who invited them (set
-- once, at their first /start, never changed) and where they came from.
CREATE TABLE IF NOT EXISTS growth_users (
    user_id           bigint PRIMARY KEY,
    ref_code          text NOT NULL UNIQUE CHECK (ref_code ~ '^[a-z0-9]{6,16}$'),
    referrer_id       bigint CHECK (referrer_id IS NULL OR referrer_id <> user_id),
    referred_at       timestamptz,
    first_source      text CHECK (first_source ~ '^[A-Za-z0-9_-]{1,64}$'),
    latest_source     text CHECK (latest_source ~ '^[A-Za-z0-9_-]{1,64}$'),
    first_source_at   timestamptz,
    latest_source_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((referrer_id IS NULL) = (referred_at IS NULL))
);

CREATE INDEX IF NOT EXISTS growth_users_referrer ON growth_users (referrer_id) WHERE referrer_id IS NOT NULL;

-- A referrer is tied once: the column may go from NULL to a value, never change after.
CREATE OR REPLACE FUNCTION growth_referrer_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.referrer_id IS NOT NULL AND NEW.referrer_id IS DISTINCT FROM OLD.referrer_id THEN
        RAISE EXCEPTION 'user % already has a referrer', OLD.user_id;
    END IF;
    IF NEW.ref_code <> OLD.ref_code THEN
        RAISE EXCEPTION 'a referral code is kept';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER growth_users_referrer_once
    BEFORE UPDATE ON growth_users
    FOR EACH ROW EXECUTE FUNCTION growth_referrer_once();

-- The reward for one invitee: at most one row each (the primary key), written by the ledger
-- trigger below in the same transaction as the invitee's first qualifying top-up.
CREATE TABLE IF NOT EXISTS growth_rewards (
    invitee_id           bigint PRIMARY KEY,
    referrer_id          bigint NOT NULL,
    topup_ledger_id      bigint NOT NULL,
    payment_ref          text,
    topup_kopecks        bigint NOT NULL CHECK (topup_kopecks > 0),
    reward_kopecks       bigint NOT NULL CHECK (reward_kopecks >= 0),
    status               text NOT NULL CHECK (status IN ('paid', 'capped', 'reversed')),
    reversed_kopecks     bigint NOT NULL DEFAULT 0 CHECK (reversed_kopecks >= 0),
    unrecovered_kopecks  bigint NOT NULL DEFAULT 0 CHECK (unrecovered_kopecks >= 0),
    reversed_at          timestamptz,
    notified_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (reversed_kopecks + unrecovered_kopecks <= reward_kopecks)
);

CREATE INDEX IF NOT EXISTS growth_rewards_referrer ON growth_rewards (referrer_id, created_at);
CREATE INDEX IF NOT EXISTS growth_rewards_unnotified ON growth_rewards (created_at)
    WHERE notified_at IS NULL AND reward_kopecks > 0;
CREATE INDEX IF NOT EXISTS growth_rewards_payment ON growth_rewards (payment_ref);

-- Promo codes an admin creates: a bonus, a percentage on the next top-up (with a cap), or
-- free runs of one model. ``used`` never passes ``max_uses`` (the CHECK is the last word).
CREATE TABLE IF NOT EXISTS promo_codes (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_-]{3,32}$'),
    kind            text NOT NULL CHECK (kind IN ('bonus', 'topup_percent', 'free_runs')),
    amount_kopecks  bigint NOT NULL DEFAULT 0 CHECK (amount_kopecks >= 0),
    percent         integer NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    cap_kopecks     bigint NOT NULL DEFAULT 0 CHECK (cap_kopecks >= 0),
    model           text,
    runs            integer NOT NULL DEFAULT 0 CHECK (runs >= 0),
    max_uses        integer NOT NULL CHECK (max_uses > 0),
    used            integer NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= max_uses),
    expires_at      timestamptz NOT NULL,
    new_users_only  boolean NOT NULL DEFAULT false,
    disabled_at     timestamptz,
    created_by      bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'bonus' OR amount_kopecks > 0),
    CHECK (kind <> 'topup_percent' OR (percent > 0 AND cap_kopecks > 0)),
    CHECK (kind <> 'free_runs' OR (model IS NOT NULL AND runs > 0))
);

-- One redemption per (code, user). ``applied_at``: a percentage code was used on a top-up;
-- ``runs_left``: free runs not yet used.
CREATE TABLE IF NOT EXISTS promo_redemptions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           text NOT NULL REFERENCES promo_codes (code),
    user_id        bigint NOT NULL,
    bonus_kopecks  bigint NOT NULL DEFAULT 0 CHECK (bonus_kopecks >= 0),
    applied_at     timestamptz,
    runs_left      integer NOT NULL DEFAULT 0 CHECK (runs_left >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (code, user_id)
);

CREATE INDEX IF NOT EXISTS promo_redemptions_user ON promo_redemptions (user_id, id);

-- A free run of a promo code spent on one job; returned if the job fails.
CREATE TABLE IF NOT EXISTS promo_run_uses (
    job_id         text PRIMARY KEY,
    redemption_id  bigint NOT NULL REFERENCES promo_redemptions (id),
    user_id        bigint NOT NULL,
    model          text NOT NULL,
    kopecks        bigint NOT NULL DEFAULT 0,
    used_at        timestamptz NOT NULL DEFAULT now(),
    returned_at    timestamptz
);

-- A growth setting as the wallet stores it (wallet_settings, text), or its default.
-- The defaults mirror plugins/wallet/settings.py (a test keeps them equal).
CREATE OR REPLACE FUNCTION growth_setting(setting text, fallback bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value::bigint FROM wallet_settings WHERE key = setting), fallback)
$$;

-- A real top-up (Stars, an approved receipt) pays what it triggers, in its own transaction:
-- the referrer's reward on the invitee's first qualifying top-up, and a pending percentage
-- promo. Both are keyed, so nothing is paid twice, whatever retries happen.
CREATE OR REPLACE FUNCTION growth_on_topup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    referrer bigint;
    reward bigint;
    earned bigint;
    month_start timestamptz;
    promo record;
    bonus bigint;
BEGIN
    SELECT g.referrer_id INTO referrer FROM growth_users g WHERE g.user_id = NEW.user_id;
    IF referrer IS NOT NULL
       AND NEW.amount >= growth_setting('referral_min_topup_kopecks', 10000)
       AND NOT EXISTS (SELECT 1 FROM growth_rewards WHERE invitee_id = NEW.user_id) THEN
        IF growth_setting('referral_fixed_kopecks', 0) > 0 THEN
            reward := growth_setting('referral_fixed_kopecks', 0);
        ELSE
            reward := NEW.amount * growth_setting('referral_percent', 10) / 100;
        END IF;
        INSERT INTO wallets (user_id) VALUES (referrer) ON CONFLICT (user_id) DO NOTHING;
        -- the referrer's wallet lock serialises their monthly cap (invitees are always newer
        -- than their referrer, so these locks are taken in one order: no deadlock)
        PERFORM 1 FROM wallets WHERE user_id = referrer FOR UPDATE;
        month_start := date_trunc('month', now() AT TIME ZONE 'Europe/Moscow') AT TIME ZONE 'Europe/Moscow';
        SELECT coalesce(sum(reward_kopecks - reversed_kopecks - unrecovered_kopecks), 0) INTO earned
          FROM growth_rewards WHERE referrer_id = referrer AND created_at >= month_start;
        reward := greatest(0, least(reward, growth_setting('referral_monthly_cap_kopecks', 100000) - earned));
        INSERT INTO growth_rewards (invitee_id, referrer_id, topup_ledger_id, payment_ref,
                                    topup_kopecks, reward_kopecks, status)
        VALUES (NEW.user_id, referrer, NEW.id, NEW.payment_ref, NEW.amount, reward,
                CASE WHEN reward > 0 THEN 'paid' ELSE 'capped' END)
        ON CONFLICT (invitee_id) DO NOTHING;
        IF FOUND AND reward > 0 THEN
            INSERT INTO ledger (user_id, amount, kind, idempotency_key, payment_ref, note)
            VALUES (referrer, reward, 'referral', 'referral:' || NEW.user_id, NEW.payment_ref,
                    'invitee ' || NEW.user_id)
            ON CONFLICT (idempotency_key) DO NOTHING;
        END IF;
    END IF;

    SELECT r.id, c.percent, c.cap_kopecks INTO promo
      FROM promo_redemptions r JOIN promo_codes c ON c.code = r.code
     WHERE r.user_id = NEW.user_id AND c.kind = 'topup_percent' AND r.applied_at IS NULL
     ORDER BY r.id LIMIT 1
     FOR UPDATE OF r;
    IF FOUND THEN
        bonus := least(NEW.amount * promo.percent / 100, promo.cap_kopecks);
        UPDATE promo_redemptions SET applied_at = now(), bonus_kopecks = bonus WHERE id = promo.id;
        IF bonus > 0 THEN
            INSERT INTO ledger (user_id, amount, kind, idempotency_key, payment_ref, note)
            VALUES (NEW.user_id, bonus, 'promo', 'promo:' || promo.id, NEW.payment_ref, 'promo top-up bonus')
            ON CONFLICT (idempotency_key) DO NOTHING;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER ledger_growth_on_topup
    AFTER INSERT ON ledger
    FOR EACH ROW WHEN (NEW.kind IN ('topup_stars', 'topup_receipt'))
    EXECUTE FUNCTION growth_on_topup();
