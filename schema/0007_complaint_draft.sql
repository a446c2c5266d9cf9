-- The desk's draft of a request's complaint to the regulator, as edited on
-- the force's page and saved to be sent later: one per request, the latest
-- save, with who saved it and when. revision counts the saves, so that a
-- save from a page loaded before another person's is refused rather than
-- overwriting it; nonce is the saving form's, so that a form sent twice is
-- one save.
CREATE TABLE complaint_drafts (
    request_id bigint PRIMARY KEY REFERENCES requests (id),
    revision   integer NOT NULL CHECK (revision > 0),
    subject    text NOT NULL,
    body       text NOT NULL,
    saved_by   text NOT NULL CHECK (saved_by <> ''),
    saved_at   timestamptz NOT NULL,
    nonce      text NOT NULL DEFAULT ''
);
