package devtemporal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// quietHandler keeps the development server's cancellation noise out
// of the operator's error log. When a worker is killed or the server shuts
// down, the server logs in-flight operations ended by a cancelled context
// ("Persistent store operation failure … context canceled") at ERROR,
// which reads like a fault. Such records are passed on at DEBUG; every
// other record is passed on as it is.
type quietHandler struct{ h slog.Handler }

func (q quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	// An ERROR record may be downgraded to DEBUG, so it is built even when
	// only ERROR is enabled; Handle decides.
	return q.h.Enabled(ctx, l) || l >= slog.LevelError
}

func (q quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError && cancellation(r) {
		if !q.h.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		d := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool { d.AddAttrs(a); return true })
		d.AddAttrs(slog.Bool("cancellation", true))
		return q.h.Handle(ctx, d)
	}
	if !q.h.Enabled(ctx, r.Level) {
		return nil
	}
	return q.h.Handle(ctx, r)
}

func (q quietHandler) WithAttrs(as []slog.Attr) slog.Handler { return quietHandler{q.h.WithAttrs(as)} }
func (q quietHandler) WithGroup(name string) slog.Handler    { return quietHandler{q.h.WithGroup(name)} }

// cancellation reports whether a record is about an operation ended by a
// cancelled context: its message or an error among its attributes says so.
func cancellation(r slog.Record) bool {
	found := isCancel(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		found = found || attrIsCancel(a)
		return !found
	})
	return found
}

func attrIsCancel(a slog.Attr) bool {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		for _, g := range v.Group() {
			if attrIsCancel(g) {
				return true
			}
		}
		return false
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return errors.Is(err, context.Canceled) || isCancel(err.Error())
		}
		return isCancel(fmt.Sprint(v.Any()))
	case slog.KindString:
		return isCancel(v.String())
	}
	return false
}

func isCancel(s string) bool {
	return strings.Contains(s, "context canceled") || strings.Contains(s, "code = Canceled")
}
