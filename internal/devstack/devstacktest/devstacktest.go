// Package devstacktest gives tests the foidesk-temporal executable that
// devstack runs as Temporal's development server, so that test binaries
// need not link the Temporal server themselves.
package devstacktest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// binaryEnv is devstack.TemporalBinaryEnv (not imported: this package
// stays free of devstack, for devstack's own tests).
const binaryEnv = "FOIDESK_TEMPORAL_BIN"

var (
	once    sync.Once
	binPath string
	binErr  error
)

// Binary returns the foidesk-temporal executable and points
// $FOIDESK_TEMPORAL_BIN at it, for devstack.StartTemporal and
// devstack.Start in this process. If the variable is set (scripts/test.sh
// sets it to bin/foidesk-temporal, built beforehand), that is the
// executable. Otherwise it is built once per test process with go build,
// into the user's cache directory, one per checkout: go build leaves an
// executable that is up to date alone, so after the first build this
// takes about a second.
func Binary(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		binPath, binErr = build()
		if binErr == nil {
			// go test records the files a test looks at: a rebuilt
			// executable then invalidates cached results.
			_, binErr = os.Stat(binPath)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func build() (string, error) {
	if p := os.Getenv(binaryEnv); p != "" {
		return p, nil
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("devstacktest: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("devstacktest: not inside the foidesk module")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(filepath.Dir(gomod)))
	dir := filepath.Join(cache, "foidesk-test", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("devstacktest: %w", err)
	}
	bin := filepath.Join(dir, "foidesk-temporal")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/foidesk/foidesk/cmd/foidesk-temporal")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("devstacktest: go build foidesk-temporal: %w\n%s", err, out)
	}
	if err := os.Setenv(binaryEnv, bin); err != nil {
		return "", fmt.Errorf("devstacktest: %w", err)
	}
	return bin, nil
}
