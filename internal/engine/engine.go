// Package engine connects foidesk to Temporal: client options from the
// configuration, and the namespace set-up foidesk needs (its custom search
// attributes).
package engine

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/foidesk/foidesk/workflows"
)

// Options says how to reach Temporal.
type Options struct {
	Address   string // host:port
	Namespace string
	APIKey    string
	TLS       bool
	Logger    *slog.Logger
	// MetricsHandler receives the SDK's metrics (nil: none).
	MetricsHandler client.MetricsHandler
}

// Dial connects a Temporal client, checking that the server answers.
func Dial(ctx context.Context, o Options) (client.Client, error) {
	c, err := client.DialContext(ctx, clientOptions(o))
	if err != nil {
		return nil, fmt.Errorf("engine: connect to Temporal at %s (namespace %s): %w", o.Address, o.Namespace, err)
	}
	return c, nil
}

// DialLazy returns a client that connects on its first call: for a process
// (the dashboard) that must start while Temporal is down, and whose calls
// fail, each with its own error, until it is back.
func DialLazy(o Options) (client.Client, error) {
	c, err := client.NewLazyClient(clientOptions(o))
	if err != nil {
		return nil, fmt.Errorf("engine: Temporal client for %s (namespace %s): %w", o.Address, o.Namespace, err)
	}
	return c, nil
}

func clientOptions(o Options) client.Options {
	co := client.Options{HostPort: o.Address, Namespace: o.Namespace, MetricsHandler: o.MetricsHandler}
	if o.Logger != nil {
		co.Logger = tlog.NewStructuredLogger(o.Logger)
	}
	if o.TLS {
		co.ConnectionOptions.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if o.APIKey != "" {
		co.Credentials = client.NewAPIKeyStaticCredentials(o.APIKey)
	}
	return co
}

// AwaitSearchAttributes waits up to within for a Temporal server that is
// starting to answer, and registers foidesk's search attributes its
// namespace lacks.
func AwaitSearchAttributes(ctx context.Context, o Options, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last error
	for time.Now().Before(deadline) {
		c, err := Dial(ctx, o)
		if err == nil {
			_, err = EnsureSearchAttributes(ctx, c, o.Namespace)
			c.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("temporal at %s not ready within %s: %w", o.Address, within, last)
}

// EnsureSearchAttributes registers foidesk's custom search attributes on the
// namespace unless present, and returns the names it added. An attribute
// that exists with another type is an error.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	missing, err := missingSearchAttributes(ctx, c, namespace)
	if err != nil {
		return nil, err
	}
	if len(missing) == 0 {
		return nil, nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	if err != nil {
		return nil, fmt.Errorf("engine: add search attributes: %w", err)
	}
	names := make([]string, 0, len(missing))
	for n := range missing {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// MissingSearchAttributes lists, sorted, foidesk's custom search attributes
// the namespace lacks. Workflows upsert them: a worker started on a
// namespace that lacks one would fail every workflow task that sets it.
// An attribute that exists with another type is an error.
func MissingSearchAttributes(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	missing, err := missingSearchAttributes(ctx, c, namespace)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(missing))
	for n := range missing {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func missingSearchAttributes(ctx context.Context, c client.Client, namespace string) (map[string]enums.IndexedValueType, error) {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("engine: list search attributes: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range workflows.SearchAttributes {
		got, ok := have.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = typ
		case got != typ:
			return nil, fmt.Errorf("engine: search attribute %s has type %s on namespace %s, foidesk needs %s",
				name, got, namespace, typ)
		}
	}
	return missing, nil
}
