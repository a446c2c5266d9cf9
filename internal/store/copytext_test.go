package store

import (
	"testing"
	"time"
)

func TestAppendCopyDate(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC),
		time.Date(7, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 4, 1, 0, 0, 0, 0, time.FixedZone("BST", 3600)),
	} {
		if got, want := string(appendCopyDate(nil, &d)), d.Format(time.DateOnly); got != want {
			t.Errorf("appendCopyDate(%v) = %q, want %q", d, got, want)
		}
	}
	if got := string(appendCopyDate(nil, nil)); got != `\N` {
		t.Errorf("appendCopyDate(nil) = %q, want \\N", got)
	}
}

func TestAppendCopyText(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"plain":         "plain",
		"a\tb\nc\rd\\e": `a\tb\nc\rd\\e`,
		`\N`:            `\\N`,
		`\.`:            `\\.`,
		"Zürich\t≤5":    `Zürich\t≤5`,
	} {
		if got := string(appendCopyText(nil, in)); got != want {
			t.Errorf("appendCopyText(%q) = %q, want %q", in, got, want)
		}
	}
}
