-- foidesk's first schema: campaigns, requests and their audit trail, the
-- outbound ledger, the inbound mail store, documents, extracted tables,
-- observations with provenance, and the review queue.
--
-- Duplicates are made impossible by unique keys: every writer uses
-- INSERT ... ON CONFLICT so that a retried activity is a no-op.

CREATE TABLE forces (
    slug        text PRIMARY KEY,
    name        text NOT NULL,
    short_name  text NOT NULL,
    category    text NOT NULL,
    regime      text NOT NULL CHECK (regime IN ('foia', 'foisa', 'none')),
    foi_email   text NOT NULL DEFAULT '',
    domains     text[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    year         int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title        text NOT NULL,
    spec         jsonb NOT NULL,
    workflow_id  text NOT NULL UNIQUE,
    status       text NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'cancelled')),
    summary      jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    UNIQUE (slug, year)
);

CREATE TABLE requests (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id      bigint NOT NULL REFERENCES campaigns (id),
    force_slug       text NOT NULL REFERENCES forces (slug),
    workflow_id      text NOT NULL UNIQUE,
    -- subject token, e.g. "cro-2025/durham", carried in every subject line.
    token            text NOT NULL UNIQUE,
    state            text NOT NULL DEFAULT 'draft' CHECK (state IN (
                         'draft', 'sent', 'acknowledged', 'awaiting_clarification',
                         'extended', 'overdue', 'chased', 'internal_review', 'regulator',
                         'answered', 'partially_answered', 'refused', 'not_held',
                         'withdrawn', 'data_loaded')),
    force_reference  text,
    sent_at          timestamptz,
    received_on      date,
    due_on           date,
    chasers_sent     int NOT NULL DEFAULT 0,
    chasing_paused   boolean NOT NULL DEFAULT false,
    last_event_at    timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, force_slug)
);

CREATE INDEX requests_force_reference ON requests (force_slug, force_reference)
    WHERE force_reference IS NOT NULL;
CREATE INDEX requests_state ON requests (campaign_id, state);

-- The audit trail: one row per thing that happened to a request. seq is
-- assigned by the request's workflow, so a retried write is a no-op.
CREATE TABLE request_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES requests (id),
    seq         int NOT NULL CHECK (seq >= 0),
    kind        text NOT NULL,
    from_state  text,
    to_state    text,
    occurred_at timestamptz NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, seq)
);

-- The sending ledger. Message-ID is decided before sending and written here
-- first; a retried send finds its row and never sends twice unknowingly.
CREATE TABLE outbound_messages (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES requests (id),
    message_id   text NOT NULL UNIQUE,
    purpose      text NOT NULL CHECK (purpose IN (
                     'request', 'reminder', 'second_reminder', 'internal_review',
                     'regulator', 'clarification_answer', 'other')),
    from_addr    text NOT NULL,
    to_addr      text NOT NULL,
    subject      text NOT NULL,
    in_reply_to  text,
    refs         text[] NOT NULL DEFAULT '{}',
    raw          bytea NOT NULL,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'failed', 'drafted')),
    attempts     int NOT NULL DEFAULT 0,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);

CREATE INDEX outbound_messages_request ON outbound_messages (request_id);

-- Where each synced mailbox has got to. Advanced in the same transaction
-- that stores the messages it covers.
CREATE TABLE mailbox_checkpoints (
    mailbox      text PRIMARY KEY,
    uid_validity bigint NOT NULL,
    last_uid     bigint NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inbound_messages (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox        text NOT NULL,
    uid_validity   bigint NOT NULL,
    uid            bigint NOT NULL,
    message_id     text,
    sha256         bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    raw            bytea NOT NULL,
    internal_date  timestamptz,
    from_addr      text NOT NULL DEFAULT '',
    subject        text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'stored' CHECK (status IN (
                       'stored', 'matched', 'triage', 'ignored', 'failed')),
    kind           text,
    classification jsonb,
    triage_reason  text,
    stored_at      timestamptz NOT NULL DEFAULT now(),
    processed_at   timestamptz,
    UNIQUE (mailbox, uid_validity, uid)
);

CREATE UNIQUE INDEX inbound_messages_message_id ON inbound_messages (message_id)
    WHERE message_id IS NOT NULL;
CREATE INDEX inbound_messages_triage ON inbound_messages (stored_at)
    WHERE status = 'triage';

-- Which requests a message answers (one email may answer several).
CREATE TABLE message_matches (
    inbound_id  bigint NOT NULL REFERENCES inbound_messages (id),
    request_id  bigint NOT NULL REFERENCES requests (id),
    method      text NOT NULL CHECK (method IN (
                    'thread', 'token', 'reference', 'domain', 'operator')),
    evidence    text NOT NULL DEFAULT '',
    matched_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (inbound_id, request_id)
);

CREATE INDEX message_matches_request ON message_matches (request_id);

-- Every attachment, stored once by content.
CREATE TABLE documents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256       bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Where each document came from: a message and the path inside it
-- ("reply.zip/2023/table.xlsx").
CREATE TABLE message_documents (
    inbound_id  bigint NOT NULL REFERENCES inbound_messages (id),
    document_id bigint NOT NULL REFERENCES documents (id),
    path        text NOT NULL,
    PRIMARY KEY (inbound_id, document_id, path)
);

-- The processing of one document for one request (DocumentWorkflow).
CREATE TABLE request_documents (
    request_id  bigint NOT NULL REFERENCES requests (id),
    document_id bigint NOT NULL REFERENCES documents (id),
    inbound_id  bigint REFERENCES inbound_messages (id),
    workflow_id text NOT NULL UNIQUE,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN (
                    'pending', 'extracted', 'review', 'loaded', 'rejected',
                    'no_tables', 'failed')),
    error       text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, document_id)
);

CREATE TABLE extracted_tables (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  bigint NOT NULL REFERENCES documents (id),
    table_index  int NOT NULL CHECK (table_index >= 1),
    method       text NOT NULL,
    page         int,
    sheet        text,
    title        text NOT NULL DEFAULT '',
    notes        text[] NOT NULL DEFAULT '{}',
    header_rows  int NOT NULL DEFAULT 0,
    n_rows       int NOT NULL,
    n_cols       int NOT NULL,
    confidence   real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    reasons      text[] NOT NULL DEFAULT '{}',
    cells        jsonb NOT NULL,
    extracted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, table_index)
);

-- One figure of the campaign's dataset, traceable to the cell it came from.
-- The provenance key (request, document, table, row, column) is unique, so
-- reloading a document replaces rather than duplicates.
CREATE TABLE observations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id),
    request_id   bigint NOT NULL REFERENCES requests (id),
    force_slug   text NOT NULL REFERENCES forces (slug),
    document_id  bigint NOT NULL REFERENCES documents (id),
    table_index  int NOT NULL,
    page         int NOT NULL DEFAULT 0,
    sheet        text NOT NULL DEFAULT '',
    row_index    int NOT NULL,
    col_index    int NOT NULL,
    cell_ref     text NOT NULL,
    period       text NOT NULL,
    period_start date,
    period_end   date,
    dimensions   jsonb NOT NULL DEFAULT '{}',
    measure      text NOT NULL,
    value        numeric,
    flag         text,
    raw_text     text NOT NULL,
    confidence   real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (value IS NOT NULL OR flag IS NOT NULL),
    UNIQUE (request_id, document_id, table_index, row_index, col_index)
);

CREATE INDEX observations_campaign ON observations (campaign_id, force_slug, period);

-- Tables (or whole documents, table_index 0) waiting for a person.
CREATE TABLE review_items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES requests (id),
    document_id  bigint NOT NULL REFERENCES documents (id),
    table_index  int NOT NULL DEFAULT 0,
    workflow_id  text NOT NULL,
    reasons      text[] NOT NULL,
    proposal     jsonb,
    status       text NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'approved', 'rejected', 'remapped')),
    resolution   jsonb,
    resolved_by  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    UNIQUE (request_id, document_id, table_index)
);

CREATE INDEX review_items_open ON review_items (created_at) WHERE status = 'open';
