package store

import (
	"context"
	"fmt"
)

// StoredMessage is one email of a request's correspondence as stored: a
// message we sent or drafted (Outbound) or one matched to the request.
type StoredMessage struct {
	Outbound bool
	ID       int64 // outbound_messages.id or inbound_messages.id
	Size     int
	Raw      []byte // nil when Size is above the limit asked for
}

// RequestMessages reads the raw bytes of a request's emails each way, for
// showing their text: a message larger than maxBytes comes without them.
func (s *Store) RequestMessages(ctx context.Context, requestID int64, maxBytes int) ([]StoredMessage, error) {
	return collectRows[StoredMessage](ctx, s.pool, fmt.Sprintf("messages of request %d", requestID), `
		SELECT true, o.id, octet_length(o.raw), CASE WHEN octet_length(o.raw) <= $2 THEN o.raw END
		FROM outbound_messages o WHERE o.request_id = $1
		UNION ALL
		SELECT false, m.id, octet_length(m.raw), CASE WHEN octet_length(m.raw) <= $2 THEN m.raw END
		FROM message_matches mm JOIN inbound_messages m ON m.id = mm.inbound_id WHERE mm.request_id = $1`,
		requestID, maxBytes)
}
