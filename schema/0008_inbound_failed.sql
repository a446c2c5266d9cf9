-- Messages that could not be processed wait for a person as triaged ones
-- do; the dashboard counts both on every page, so both are indexed.
CREATE INDEX inbound_messages_failed ON inbound_messages (stored_at)
    WHERE status = 'failed';
