package config

// The dashboard does not open itself to the network without credentials
// unless told to. See "Hostile content" in the README.

import (
	"strings"
	"testing"
)

func TestDashboardRefusesOpenNonLoopbackListen(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		ok   bool
	}{
		{map[string]string{}, true}, // 127.0.0.1:8080
		{map[string]string{"FOIDESK_HTTP_ADDR": "localhost:8080"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "[::1]:8080"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "127.0.0.2:8080"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "0.0.0.0:8080"}, false},
		{map[string]string{"FOIDESK_HTTP_ADDR": ":8080"}, false},
		{map[string]string{"FOIDESK_HTTP_ADDR": "[::]:8080"}, false},
		{map[string]string{"FOIDESK_HTTP_ADDR": "192.0.2.10:8080"}, false},
		{map[string]string{"FOIDESK_HTTP_ADDR": "desk.example.org:8080"}, false},
		{map[string]string{"FOIDESK_HTTP_ADDR": "0.0.0.0:8080", "FOIDESK_AUTH_TOKEN": "tok"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "0.0.0.0:8080", "FOIDESK_BASIC_AUTH": "desk:pw"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "0.0.0.0:8080", "FOIDESK_ALLOW_OPEN": "true"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "0.0.0.0:8080", "FOIDESK_ALLOW_OPEN": "1"}, true},
		{map[string]string{"FOIDESK_HTTP_ADDR": "0.0.0.0:8080", "FOIDESK_ALLOW_OPEN": "false"}, false},
	} {
		c, err := Load(env(tc.vars))
		if err != nil {
			t.Fatalf("%v: %v", tc.vars, err)
		}
		err = c.CheckDashboardListen(c.HTTPAddr)
		if (err == nil) != tc.ok {
			t.Errorf("%v: err %v, want ok %v", tc.vars, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "FOIDESK_ALLOW_OPEN") {
			t.Errorf("refusal %q does not say how to allow it", err)
		}
	}
	if _, err := Load(env(map[string]string{"FOIDESK_ALLOW_OPEN": "perhaps"})); err == nil {
		t.Error("FOIDESK_ALLOW_OPEN=perhaps accepted")
	}
}
