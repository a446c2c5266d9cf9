package extract

import "context"

// extractPDF finds the tables of a PDF document.
func extractPDF(ctx context.Context, data []byte, o *Options) ([]*Table, error) {
	return nil, &Error{Format: "pdf", Err: ErrUnsupported}
}
