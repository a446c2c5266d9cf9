package main

// The dashboard does not start on the network without credentials unless
// told to. See "Hostile content" in the README.

import (
	"context"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/config"
)

func TestServeRefusesOpenNonLoopbackAddress(t *testing.T) {
	_, _, err := startServe(context.Background(), &config.Config{HTTPAddr: "0.0.0.0:0"}, nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "FOIDESK_ALLOW_OPEN") {
		t.Fatalf("serve on 0.0.0.0 without credentials: err %v, want a refusal naming FOIDESK_ALLOW_OPEN", err)
	}
}
