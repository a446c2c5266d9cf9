-- Observations are loaded a million at a time, and four foreign keys checked
-- row by row cost more than the rows themselves. Every row of one load
-- shares its request and document, so provenance is checked once per
-- statement instead: a statement trigger over the inserted rows (a
-- transition table) refuses any whose request's document is not on record,
-- and a document's record cannot be deleted while observations cite it.
-- campaign_id and force_slug are copies of the request's, written by the
-- loader from the request itself.
ALTER TABLE observations
    DROP CONSTRAINT observations_campaign_id_fkey,
    DROP CONSTRAINT observations_request_id_fkey,
    DROP CONSTRAINT observations_force_slug_fkey,
    DROP CONSTRAINT observations_document_id_fkey;

CREATE FUNCTION observations_check_provenance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.request_id, n.document_id INTO bad FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM request_documents rd
                      WHERE rd.request_id = n.request_id AND rd.document_id = n.document_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'observation of request % cites document %, which is not a document of that request',
            bad.request_id, bad.document_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER observations_provenance_insert AFTER INSERT ON observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observations_check_provenance();
CREATE TRIGGER observations_provenance_update AFTER UPDATE ON observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observations_check_provenance();

CREATE FUNCTION request_documents_keep_cited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN observations ob
               ON ob.request_id = o.request_id AND ob.document_id = o.document_id) THEN
        RAISE EXCEPTION 'a request document with observations cannot be deleted'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER request_documents_keep_cited AFTER DELETE ON request_documents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION request_documents_keep_cited();
