package main

// The dashboard does not start on the network without credentials unless
// told to. See "Hostile content" in the README.

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	tlog "go.temporal.io/sdk/log"

	"github.com/foidesk/foidesk/internal/config"
)

func TestServeRefusesOpenNonLoopbackAddress(t *testing.T) {
	_, _, err := startServe(context.Background(), &config.Config{HTTPAddr: "0.0.0.0:0"}, nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "FOIDESK_ALLOW_OPEN") {
		t.Fatalf("serve on 0.0.0.0 without credentials: err %v, want a refusal naming FOIDESK_ALLOW_OPEN", err)
	}
}

// forgedSubject is a reply subject that tries to write a log line of its
// own.
const forgedSubject = "Re: FOI request\nlevel=ERROR msg=forged force=durham\r\ntime=2025-01-01T00:00:00Z level=INFO msg=\"also forged\"\u2028\x1b[31mred"

// Mail-derived text logged by foidesk, in text or JSON, stays on its own
// line: whatever a subject, file name or error holds, one call is one line.
func TestLogsCannotBeForgedByMailText(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf strings.Builder
			a := &app{stderr: &buf, getenv: func(k string) string {
				return map[string]string{"FOIDESK_LOG_FORMAT": format}[k]
			}}
			log := a.logger()
			log.Info("reply stored", slog.String("subject", forgedSubject), slog.String("filename", forgedSubject+".csv"))
			log.Warn("document not loaded", slog.Any("err", errors.New("extract "+forgedSubject+": no tables")))
			log.Info(forgedSubject) // even as the message
			log.Info("reasons", slog.Any("reasons", []string{forgedSubject, "ok"}))
			tlog.NewStructuredLogger(log).Warn("request not told of its document", "subject", forgedSubject)
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) != 5 {
				t.Fatalf("5 log calls wrote %d lines:\n%s", len(lines), buf.String())
			}
			for _, l := range lines {
				if strings.ContainsAny(l, "\r\x1b\u2028") {
					t.Errorf("log line holds a raw control character: %q", l)
				}
				if strings.HasPrefix(l, "level=") || strings.HasPrefix(l, "time=2025") {
					t.Errorf("forged line: %q", l)
				}
			}
		})
	}
}
