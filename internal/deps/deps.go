// Package deps pins the modules that packages under construction will import.
// It is removed once each is imported for real.
package deps

import (
	_ "github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/emersion/go-imap/v2/imapserver"
	_ "github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	_ "github.com/emersion/go-message/charset"
	_ "github.com/emersion/go-message/mail"
	_ "github.com/emersion/go-sasl"
	_ "github.com/emersion/go-smtp"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/ledongthuc/pdf"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/net/html"
	_ "golang.org/x/text/encoding/charmap"
	_ "gopkg.in/yaml.v3"
)
