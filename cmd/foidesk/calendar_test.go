package main

import (
	"strings"
	"testing"
)

func TestCalendarDueFirstLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"calendar", "due", "--received", "2022-09-05"}, "2022-10-04"},
		{[]string{"calendar", "due", "--regime", "foisa", "--received", "2024-07-01"}, "2024-07-29"},
		{[]string{"calendar", "due", "--received", "2024-07-01", "--regime", "FOIA"}, "2024-07-30"},
		{[]string{"calendar", "due", "--received", "2025-03-01", "--days", "5"}, "2025-03-07"},
		{[]string{"calendar", "overdue", "--due", "2022-10-04", "--today", "2022-10-10"}, "4"},
	} {
		code, out, errOut := runCLI(t, tc.args...)
		first, _, _ := strings.Cut(out, "\n")
		if code != 0 || first != tc.want {
			t.Errorf("%v: exit %d, first line %q, want %q (stderr %q)", tc.args, code, first, tc.want, errOut)
		}
	}
	for _, args := range [][]string{
		{"calendar", "due"},
		{"calendar", "due", "--received", "2025-13-01"},
		{"calendar", "due", "--received", "2025-01-01", "--regime", "gdpr"},
		{"calendar", "due", "--received", "2031-01-01"},
	} {
		if code, _, errOut := runCLI(t, args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want a failure that says why", args, code, errOut)
		}
	}
}

func TestForcesGroups(t *testing.T) {
	for group, n := range map[string]string{"all44": "44 forces", "uk": "46 forces", "all": "49 forces"} {
		code, out, _ := runCLI(t, "forces", group)
		if code != 0 || !strings.Contains(out, "\n"+n+"\n") {
			t.Errorf("forces %s: exit %d, output lacks %q", group, code, n)
		}
	}
}
