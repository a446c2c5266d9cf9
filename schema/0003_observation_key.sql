-- An observation is identified by where it came from, so its provenance is
-- its primary key: campaign, request, document, table, row, column. The
-- surrogate id (referenced by nothing) and the separate campaign index go:
-- each cost as much to maintain on a million-row load as the key itself,
-- and queries by campaign, or by campaign and request, use the key.
ALTER TABLE observations
    DROP CONSTRAINT observations_pkey,
    DROP CONSTRAINT observations_request_id_document_id_table_index_row_index_c_key,
    DROP COLUMN id,
    ADD PRIMARY KEY (campaign_id, request_id, document_id, table_index, row_index, col_index);

DROP INDEX observations_campaign;

-- With campaign_id in the key, the copies of the request's campaign and
-- force must agree with the request itself; the statement check compares
-- each distinct (campaign, request, force, document) of the new rows once.
CREATE OR REPLACE FUNCTION observations_check_provenance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.request_id, n.document_id, n.campaign_id, n.force_slug INTO bad
    FROM (SELECT DISTINCT campaign_id, request_id, force_slug, document_id FROM new_rows) n
    WHERE NOT EXISTS (SELECT 1 FROM request_documents rd JOIN requests r ON r.id = rd.request_id
                      WHERE rd.request_id = n.request_id AND rd.document_id = n.document_id
                        AND r.campaign_id = n.campaign_id AND r.force_slug = n.force_slug)
    LIMIT 1;
    IF FOUND THEN
        IF EXISTS (SELECT 1 FROM request_documents rd
                   WHERE rd.request_id = bad.request_id AND rd.document_id = bad.document_id) THEN
            RAISE EXCEPTION 'observation of request % names campaign % and force %, which are not that request''s',
                bad.request_id, bad.campaign_id, bad.force_slug USING ERRCODE = 'foreign_key_violation';
        END IF;
        RAISE EXCEPTION 'observation of request % cites document %, which is not a document of that request',
            bad.request_id, bad.document_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

-- Finding a deleted document record's observations by key needs the
-- request's campaign.
CREATE OR REPLACE FUNCTION request_documents_keep_cited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN requests r ON r.id = o.request_id
               JOIN observations ob ON ob.campaign_id = r.campaign_id
                AND ob.request_id = o.request_id AND ob.document_id = o.document_id) THEN
        RAISE EXCEPTION 'a request document with observations cannot be deleted'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
