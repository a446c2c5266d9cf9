package devstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// relayRecord passes on one JSON log record, as slog's JSON handler writes
// it, to h: its time, level, message and attributes in their order
// (groups as groups). It reports false if line is not such a record.
func relayRecord(h slog.Handler, line string) bool {
	dec := json.NewDecoder(bytes.NewReader([]byte(line)))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	var (
		t     time.Time
		level = slog.LevelInfo
		msg   string
		attrs []slog.Attr
		seen  bool // a message key: the line is a record
	)
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return false
		}
		if key == slog.TimeKey || key == slog.LevelKey || key == slog.MessageKey {
			var s string
			if err := dec.Decode(&s); err != nil {
				return false
			}
			switch key {
			case slog.TimeKey:
				if tt, err := time.Parse(time.RFC3339Nano, s); err == nil {
					t = tt
				}
			case slog.LevelKey:
				_ = level.UnmarshalText([]byte(s))
			default:
				msg, seen = s, true
			}
			continue
		}
		v, err := jsonValue(dec)
		if err != nil {
			return false
		}
		attrs = append(attrs, slog.Attr{Key: key, Value: v})
	}
	if !seen {
		return false
	}
	ctx := context.Background()
	if !h.Enabled(ctx, level) {
		return true
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	_ = h.Handle(ctx, r)
	return true
}

// atLeast passes on to h the records of level min and above.
type atLeast struct {
	h   slog.Handler
	min slog.Level
}

func (a atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= a.min && a.h.Enabled(ctx, l)
}
func (a atLeast) Handle(ctx context.Context, r slog.Record) error { return a.h.Handle(ctx, r) }
func (a atLeast) WithAttrs(as []slog.Attr) slog.Handler           { return atLeast{a.h.WithAttrs(as), a.min} }
func (a atLeast) WithGroup(name string) slog.Handler              { return atLeast{a.h.WithGroup(name), a.min} }

func objectKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("object key %v", tok)
	}
	return key, nil
}

// jsonValue reads the next JSON value as an attribute value: objects as
// groups (in their order), numbers as int64 or float64, arrays as []any.
func jsonValue(dec *json.Decoder) (slog.Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return slog.Value{}, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			var as []slog.Attr
			for dec.More() {
				key, err := objectKey(dec)
				if err != nil {
					return slog.Value{}, err
				}
				v, err := jsonValue(dec)
				if err != nil {
					return slog.Value{}, err
				}
				as = append(as, slog.Attr{Key: key, Value: v})
			}
			_, err := dec.Token() // '}'
			return slog.GroupValue(as...), err
		case '[':
			var vs []any
			for dec.More() {
				v, err := jsonValue(dec)
				if err != nil {
					return slog.Value{}, err
				}
				vs = append(vs, v.Any())
			}
			_, err := dec.Token() // ']'
			return slog.AnyValue(vs), err
		}
		return slog.Value{}, fmt.Errorf("unexpected %v", tok)
	case json.Number:
		if n, err := tok.Int64(); err == nil {
			return slog.Int64Value(n), nil
		}
		f, err := tok.Float64()
		return slog.Float64Value(f), err
	case string:
		return slog.StringValue(tok), nil
	case bool:
		return slog.BoolValue(tok), nil
	case nil:
		return slog.AnyValue(nil), nil
	}
	return slog.Value{}, fmt.Errorf("unexpected %v", tok)
}
