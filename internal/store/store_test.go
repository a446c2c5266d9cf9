package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/foidesk/foidesk/internal/store"
)

func TestIsInvalidData(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "22003"}, true}, // numeric value out of range
		{&pgconn.PgError{Code: "23505"}, true}, // unique violation
		{fmt.Errorf("store: load: %w", &pgconn.PgError{Code: "23514"}), true},
		{&pgconn.PgError{Code: "40001"}, false}, // serialization failure: a retry may succeed
		{&pgconn.PgError{Code: "08006"}, false}, // connection failure
		{errors.New("connection reset by peer"), false},
		{nil, false},
	} {
		if got := store.IsInvalidData(tc.err); got != tc.want {
			t.Errorf("IsInvalidData(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
