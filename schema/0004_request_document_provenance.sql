-- Identical bytes are one stored document, but each request's use of it
-- has its own provenance: the message it came in and the name (and path
-- inside that message, "reply.zip/2023/table.xlsx") it had there. Two
-- forces sending the same file each cite their own message and filename;
-- documents.filename is only the first sender's name for the blob.
ALTER TABLE request_documents
    ADD COLUMN filename text,
    ADD COLUMN path text;

-- Rows recorded before: the message is the first matched one of the
-- request that carried the document, the name the last part of its path.
UPDATE request_documents rd SET inbound_id = (
        SELECT md.inbound_id FROM message_documents md
        JOIN message_matches mm ON mm.inbound_id = md.inbound_id AND mm.request_id = rd.request_id
        WHERE md.document_id = rd.document_id ORDER BY md.inbound_id LIMIT 1)
    WHERE rd.inbound_id IS NULL;

UPDATE request_documents rd SET path = md.path, filename = nullif(regexp_replace(md.path, '^.*/', ''), '')
    FROM (SELECT DISTINCT ON (inbound_id, document_id) inbound_id, document_id, path
          FROM message_documents ORDER BY inbound_id, document_id, path) md
    WHERE md.inbound_id = rd.inbound_id AND md.document_id = rd.document_id;

-- A document whose every figure a later document of the same request
-- replaced (a corrected spreadsheet) is 'superseded': loaded, but with no
-- figures of its own left.
ALTER TABLE request_documents DROP CONSTRAINT request_documents_status_check;
ALTER TABLE request_documents ADD CONSTRAINT request_documents_status_check CHECK (status IN (
    'pending', 'extracted', 'review', 'loaded', 'rejected', 'no_tables', 'failed', 'superseded'));
