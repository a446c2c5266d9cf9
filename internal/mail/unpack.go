package mail

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
)

// isZip reports whether a file should be unpacked as a zip archive: it is
// named or typed as one and starts like one. Office documents (xlsx, docx)
// are zip files too, and are kept whole.
func isZip(ctype, name string, data []byte) bool {
	if !bytes.HasPrefix(data, zipMagic) && !bytes.HasPrefix(data, zipEmptyMagic) {
		return false
	}
	switch extOf(name) {
	case ".zip":
		return true
	case "":
	default:
		return false
	}
	switch ctype {
	case "application/zip", "application/x-zip-compressed", "application/x-zip", "multipart/x-zip":
		return true
	}
	return false
}

// isTNEF reports whether a file is a TNEF stream to unpack.
func isTNEF(ctype, name string, data []byte) bool {
	if len(data) < 4 || binary.LittleEndian.Uint32(data) != tnefSignature {
		return false
	}
	return ctype == "application/ms-tnef" || ctype == "application/vnd.ms-tnef" ||
		strings.EqualFold(name, "winmail.dat") || extOf(name) == ".dat"
}

// unpackTNEF adds the attachments of a winmail.dat. It reports false when
// the file should be kept as it is.
func (p *parser) unpackTNEF(data []byte, name string, st walkState) bool {
	where := st.where() + " " + name
	if st.depth >= p.opt.MaxDepth {
		p.problem(where, "nested deeper than %d: kept as a file", p.opt.MaxDepth)
		return false
	}
	t, err := DecodeTNEF(data)
	if err != nil {
		p.problem(where, "%v: kept as a file", err)
		return false
	}
	for _, pr := range t.Problems {
		p.problem(where, "%s", pr)
	}
	if t.BodyHTML != "" && st.info.tnefHTML == "" {
		st.info.tnefHTML = t.BodyHTML
	}
	if t.Body != "" && st.info.tnefText == "" {
		st.info.tnefText = t.Body
	}
	inner := st
	inner.path = appendPath(st.path, name)
	inner.depth++
	p.tnefAttachments(t.Attachments, inner)
	return true
}

func (p *parser) tnefAttachments(list []TNEFAttachment, st walkState) {
	for i, a := range list {
		name := safeName(a.Name)
		if a.Message != nil {
			if name == "" {
				name = fmt.Sprintf("message-%d", i+1)
			}
			if st.depth >= p.opt.MaxDepth {
				p.problem(st.where(), "attached message %s nested too deep: skipped", name)
				continue
			}
			inner := st
			inner.path = appendPath(st.path, name+".msg")
			inner.depth++
			p.tnefAttachments(a.Message.Attachments, inner)
			continue
		}
		if name == "" {
			name = fmt.Sprintf("attachment-%d", i+1)
		}
		ctype := mediaTypeFor(a.MIMEType, name)
		inline := strings.HasPrefix(ctype, "image/") && (a.ContentID != "" || a.Hidden) && len(a.Data) <= inlineImageMax
		p.file(bytes.Clone(a.Data), name, ctype, a.ContentID, inline, st)
	}
}

// zipEntries returns the entry count an archive's end record declares, or
// -1 when it cannot be read. It is checked before archive/zip reads the
// whole central directory into memory.
func zipEntries(data []byte) int {
	const eocdLen = 22
	start := max(0, len(data)-(eocdLen+0xFFFF))
	i := bytes.LastIndex(data[start:], zipEmptyMagic)
	if i < 0 {
		return -1
	}
	i += start
	if len(data)-i < eocdLen {
		return -1
	}
	n := int(binary.LittleEndian.Uint16(data[i+10:]))
	if n == 0xFFFF {
		// Zip64: count the central directory headers instead.
		return bytes.Count(data, []byte("PK\x01\x02"))
	}
	return n
}

// unpackZip adds the files of a zip archive, recursively, within the
// limits on entries, depth and expanded size. It reports false when the
// archive should be kept as it is.
func (p *parser) unpackZip(data []byte, name string, st walkState) bool {
	where := strings.TrimSpace(st.where() + " " + name)
	if st.depth >= p.opt.MaxDepth {
		p.problem(where, "zip nested deeper than %d: kept as a file", p.opt.MaxDepth)
		return false
	}
	if n := zipEntries(data); n > p.opt.MaxZipEntries {
		p.problem(where, "zip has %d entries, more than %d: not unpacked", n, p.opt.MaxZipEntries)
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		p.problem(where, "unreadable zip (%v): kept as a file", err)
		return false
	}
	if len(zr.File) > p.opt.MaxZipEntries {
		p.problem(where, "zip has %d entries, more than %d: not unpacked", len(zr.File), p.opt.MaxZipEntries)
		return false
	}
	base := appendPath(st.path, name)
	for _, f := range zr.File {
		if !p.zipEntry(f, base, where, st) {
			break
		}
	}
	return true
}

// zipEntry reads one entry; it reports false when the expanded-size limit
// stops the archive.
func (p *parser) zipEntry(f *zip.File, base []string, where string, st walkState) bool {
	entry := zipName(f)
	if entry == "" || strings.HasSuffix(entry, "/") || f.FileInfo().IsDir() {
		return true
	}
	dir, file := path.Split(entry)
	if strings.HasPrefix(entry, "__MACOSX/") || strings.HasPrefix(file, "._") ||
		file == ".DS_Store" || strings.EqualFold(file, "Thumbs.db") {
		return true
	}
	where += ": " + entry
	if p.budgetFull {
		p.problem(where, "attachments exceed %d bytes in all: not unpacked", p.opt.MaxExpandedBytes)
		return false
	}
	if f.Flags&0x1 != 0 {
		p.problem(where, "encrypted entry: skipped")
		return true
	}
	limit := p.remaining()
	if f.UncompressedSize64 > uint64(p.opt.MaxAttachmentBytes) {
		p.problem(where, "declares %d bytes, more than %d: skipped", f.UncompressedSize64, p.opt.MaxAttachmentBytes)
		return true
	}
	if f.UncompressedSize64 > uint64(max(limit, 0)) {
		p.budgetFull = true
		p.problem(where, "attachments exceed %d bytes in all: archive not unpacked further", p.opt.MaxExpandedBytes)
		return false
	}
	rc, err := f.Open()
	if err != nil {
		p.problem(where, "unreadable entry (%v): skipped", err)
		return true
	}
	defer rc.Close()
	data, over, err := readBounded(rc, f.UncompressedSize64, limit)
	switch {
	case over:
		p.problem(where, "expands past %d bytes: skipped", limit)
		return true
	case err != nil:
		p.problem(where, "damaged entry (%v): skipped", err)
		return true
	}
	inner := st
	inner.path = appendPath(base, dir)
	inner.depth++
	inner.id = ""
	p.file(data, file, mediaTypeFor("", file), "", false, inner)
	return true
}

// readBounded reads r to its end into a buffer that never grows past
// limit+1 bytes; over reports that r held more than limit bytes.
func readBounded(r io.Reader, hint uint64, limit int64) (data []byte, over bool, err error) {
	if limit < 0 {
		limit = 0
	}
	size := int64(min(hint, uint64(limit))) + 1
	buf := make([]byte, 0, min(size, 64<<20))
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, true, nil
			}
			grow := min(int64(cap(buf))*2, limit+1) - int64(len(buf))
			if grow < 512 {
				grow = min(512, limit+1-int64(len(buf)))
			}
			nb := make([]byte, len(buf), int64(len(buf))+grow)
			copy(nb, buf)
			buf = nb
		}
		n, rerr := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, true, nil
		}
		if rerr == io.EOF {
			return buf, false, nil
		}
		if rerr != nil {
			return nil, false, rerr
		}
	}
}

// zipName returns an entry's path, decoded (CP437 unless flagged UTF-8)
// and cleaned: forward slashes, no leading slash, no "..".
func zipName(f *zip.File) string {
	name := f.Name
	if f.NonUTF8 || !utf8.ValidString(name) {
		if s, err := charmap.CodePage437.NewDecoder().String(name); err == nil {
			name = s
		}
	}
	name = strings.ReplaceAll(name, `\`, "/")
	isDir := strings.HasSuffix(name, "/")
	var parts []string
	for _, p := range strings.Split(name, "/") {
		p = safeName(p)
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, p)
	}
	out := strings.Join(parts, "/")
	if isDir && out != "" {
		out += "/"
	}
	return out
}
