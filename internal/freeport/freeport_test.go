package freeport

import (
	"net"
	"testing"
)

// A reserved port can be bound at once, and is not handed out again to
// the next requests for any free port.
func TestPortIsBindableAndNotReissued(t *testing.T) {
	p, err := Port()
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		got := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if got == p {
			t.Fatalf("port %d handed out again while reserved", p)
		}
	}
	addr, err := Addr()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("binding the reserved %s: %v", addr, err)
	}
	l.Close()
}
