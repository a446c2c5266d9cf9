package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkStartup measures what every command pays before it does any
// work: starting the binary, initialising its packages and printing help.
// The baseline is /bin/true, the cost of starting any process here.
// Targets (issue 16): help under 30 ms and 30 MiB, the binary under 60 MB.
//
//	go test ./cmd/foidesk -run '^$' -bench Startup -benchtime 50x
func BenchmarkStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "foidesk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		argv []string
	}{
		{"baseline=true", []string{"true"}},
		{"help", []string{bin, "help"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(c.argv[0], c.argv[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", c.argv, err, out)
				}
			}
			b.StopTimer()
			if kib, ok := peakRSS(c.argv); ok {
				b.ReportMetric(float64(kib)/1024, "peak-MiB")
			}
			if c.name == "help" {
				b.ReportMetric(float64(fi.Size())/1e6, "binary-MB")
			}
		})
	}
}

// peakRSS is the command's peak resident set in KiB, read by GNU time.
// The rusage a Go parent gets back is no use here: the child starts as a
// vfork of the parent, and Linux carries the parent's resident set into
// the child's maximum.
func peakRSS(argv []string) (int64, bool) {
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		return 0, false
	}
	out, err := exec.Command(timeBin, append([]string{"-f", "rss=%M"}, argv...)...).CombinedOutput()
	if err != nil {
		return 0, false
	}
	_, after, ok := strings.Cut(string(out), "rss=")
	if !ok {
		return 0, false
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(after), 10, 64)
	return kib, err == nil
}
