-- The health of each mailbox the inbox reads: when it last synced, and the
-- error of the attempts failing since, so the dashboard and the metrics say
-- when replies have stopped coming in (a changed password, a server down).
CREATE TABLE mailbox_health (
    mailbox              text PRIMARY KEY,
    last_success_at      timestamptz,
    last_error           text,
    last_error_at        timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
