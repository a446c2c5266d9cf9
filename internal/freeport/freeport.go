// Package freeport finds TCP ports on the loopback interface for servers
// started by tests, the demo and throwaway databases.
//
// Asking the kernel for port 0 and closing the listener is not enough when
// several servers start at once: on Linux the same port may be handed to
// the next bind(:0) — another test's server, or an embedded Temporal's own
// HTTP port — before ours binds it. Port reserves the port the way the
// Temporal CLI's dev server does: it connects to the listener and closes
// the accepted side first, which leaves the port in TIME_WAIT, where the
// kernel does not hand it out again for a minute, while a server that asks
// for it by number (with SO_REUSEADDR, Go's default) can still bind it.
package freeport

import (
	"fmt"
	"net"
	"strconv"
)

// Port returns a free TCP port on 127.0.0.1, reserved as described above.
func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("freeport: %w", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return 0, fmt.Errorf("freeport: %w", err)
	}
	defer c.Close()
	s, err := l.Accept()
	if err != nil {
		return 0, fmt.Errorf("freeport: %w", err)
	}
	s.Close() // the accepting side closes first: its end waits in TIME_WAIT
	return port, nil
}

// Addr returns "127.0.0.1:PORT" for a free port.
func Addr() (string, error) {
	p, err := Port()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
}
