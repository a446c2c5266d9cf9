-- Late replies and replies whose kind is uncertain.
--
-- A campaign's clock (its origin and time scale) is kept with the campaign,
-- so that a request reopened by a late reply counts campaign time as its
-- first run did.
ALTER TABLE campaigns
    ADD COLUMN clock_origin timestamptz,
    ADD COLUMN clock_scale  double precision CHECK (clock_scale IS NULL OR clock_scale > 0);

-- A reply the classifier was unsure of waits here for a person, who
-- confirms or corrects its kind; a person may also correct the kind of a
-- reply the classifier was sure of. Resolved rows are the labelled
-- examples a better classifier is measured on.
CREATE TABLE reply_reviews (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id    bigint NOT NULL REFERENCES requests (id),
    inbound_id    bigint NOT NULL REFERENCES inbound_messages (id),
    proposed_kind text NOT NULL,
    confidence    real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    reason        text NOT NULL,
    status        text NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'confirmed', 'corrected')),
    kind          text,
    resolved_by   text,
    why           text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    resolved_at   timestamptz,
    UNIQUE (request_id, inbound_id),
    CHECK ((status = 'open') = (kind IS NULL))
);

CREATE INDEX reply_reviews_open ON reply_reviews (created_at) WHERE status = 'open';
