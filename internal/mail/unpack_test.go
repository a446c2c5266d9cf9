package mail

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// zeroDeflate returns a raw deflate stream of mib MiB of zero bytes and its
// CRC-32, without compressing it all: one flushed MiB block is repeated
// (its back-references only ever reach zeros), then a final empty block.
func zeroDeflate(t testing.TB, mib int) ([]byte, uint32) {
	t.Helper()
	zero := make([]byte, 1<<20)
	var blk bytes.Buffer
	fw, err := flate.NewWriter(&blk, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(zero); err != nil {
		t.Fatal(err)
	}
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	out := bytes.Repeat(blk.Bytes(), mib)
	out = append(out, 0x01, 0x00, 0x00, 0xff, 0xff) // final empty stored block
	var crc uint32
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	return out, crc
}

type zipEntrySpec struct {
	name     string
	data     []byte // stored deflated normally
	raw      []byte // a raw deflate stream, with declared sizes below
	crc      uint32
	declared uint64
}

func buildZip(t testing.TB, entries ...zipEntrySpec) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		if e.raw == nil {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixedTime})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(e.data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixedTime,
			CRC32: e.crc, CompressedSize64: uint64(len(e.raw)), UncompressedSize64: e.declared})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipMessage wraps a zip archive in a reply.
func zipMessage(name string, zipData []byte) []byte {
	return []byte(entity([]string{
		"From: FOI <foi@kent.police.example>",
		"To: foi@foidesk.example",
		"Subject: RE: Freedom of Information request",
		"Message-ID: <zip-test@kent.police.example>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="zb"`,
	}, multipartBody("zb",
		textPart("us-ascii", "7bit", "Please find attached.\r\n"),
		filePart("application/zip", name, zipData))))
}

func hasProblem(m *Message, sub string) bool {
	return slices.ContainsFunc(m.Problems, func(p string) bool { return strings.Contains(p, sub) })
}

// measure runs f and returns the bytes it allocated and its duration.
func measure(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, d
}

func TestZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1 GiB zip bomb")
	}
	gib, crc := zeroDeflate(t, 1024)
	t.Logf("1 GiB of zeros deflates to %d bytes", len(gib))
	figures := []byte("Year,Total\r\n2024,17\r\n")

	t.Run("declared 1 GiB", func(t *testing.T) {
		raw := zipMessage("bomb.zip", buildZip(t,
			zipEntrySpec{name: "figures.csv", data: figures},
			zipEntrySpec{name: "zeros.bin", raw: gib, crc: crc, declared: 1 << 30},
			zipEntrySpec{name: "after.csv", data: figures}))
		var m *Message
		var err error
		alloc, took := measure(func() { m, err = Parse(raw, nil) })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("parsed in %v, %d KiB allocated", took, alloc>>10)
		if !hasProblem(m, "zeros.bin: declares 1073741824 bytes") {
			t.Errorf("problems %q", m.Problems)
		}
		if names := attachmentNames(m); !slices.Equal(names, []string{"bomb.zip/figures.csv", "bomb.zip/after.csv"}) {
			t.Errorf("attachments %q", names)
		}
		if alloc > 32<<20 {
			t.Errorf("allocated %d MiB for a %d KiB message", alloc>>20, len(raw)>>10)
		}
	})

	t.Run("declared small, expands to 1 GiB", func(t *testing.T) {
		// The entry claims 4 MiB: reading stops there, however much the
		// stream would give.
		raw := zipMessage("liar.zip", buildZip(t,
			zipEntrySpec{name: "zeros.bin", raw: gib, crc: crc, declared: 4 << 20},
			zipEntrySpec{name: "after.csv", data: figures}))
		var m *Message
		var err error
		alloc, took := measure(func() { m, err = Parse(raw, nil) })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("parsed in %v, %d KiB allocated", took, alloc>>10)
		if !hasProblem(m, "liar.zip: zeros.bin: damaged entry") {
			t.Errorf("problems %q", m.Problems)
		}
		if names := attachmentNames(m); !slices.Equal(names, []string{"liar.zip/after.csv"}) {
			t.Errorf("attachments %q", names)
		}
		if alloc > 32<<20 || took > 10*time.Second {
			t.Errorf("%d MiB allocated in %v", alloc>>20, took)
		}
	})

	t.Run("expanded total", func(t *testing.T) {
		// Ten honest 8 MiB entries against a 32 MiB budget: four fit.
		eight, crc8 := zeroDeflate(t, 8)
		var entries []zipEntrySpec
		for i := range 10 {
			entries = append(entries, zipEntrySpec{name: fmt.Sprintf("part%02d.bin", i), raw: eight, crc: crc8, declared: 8 << 20})
		}
		raw := zipMessage("many.zip", buildZip(t, entries...))
		opts := &ParseOptions{MaxAttachmentBytes: 8 << 20, MaxExpandedBytes: 32 << 20}
		var m *Message
		var err error
		alloc, took := measure(func() { m, err = Parse(raw, opts) })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("parsed in %v, %d MiB allocated", took, alloc>>20)
		if len(m.Attachments) != 4 || !hasProblem(m, "attachments exceed 33554432 bytes in all") {
			t.Errorf("attachments %q, problems %q", attachmentNames(m), m.Problems)
		}
		var total int
		for _, a := range m.Attachments {
			total += len(a.Data)
		}
		if total > 32<<20 {
			t.Errorf("%d bytes kept, over the budget", total)
		}
		// What is kept, plus one entry read in full, plus slack.
		if alloc > 48<<20 {
			t.Errorf("allocated %d MiB against a 32 MiB budget", alloc>>20)
		}
	})
}

func TestZipLimits(t *testing.T) {
	csv := []byte("a,b\r\n1,2\r\n")
	t.Run("entries", func(t *testing.T) {
		var entries []zipEntrySpec
		for i := range 11 {
			entries = append(entries, zipEntrySpec{name: fmt.Sprintf("f%d.csv", i), data: csv})
		}
		m, err := Parse(zipMessage("wide.zip", buildZip(t, entries...)), &ParseOptions{MaxZipEntries: 10})
		if err != nil {
			t.Fatal(err)
		}
		// The archive is kept whole, unopened.
		if names := attachmentNames(m); !slices.Equal(names, []string{"wide.zip"}) || !hasProblem(m, "zip has 11 entries, more than 10") {
			t.Errorf("attachments %q problems %q", names, m.Problems)
		}
	})
	t.Run("depth", func(t *testing.T) {
		z := buildZip(t, zipEntrySpec{name: "deepest.csv", data: csv})
		for i := range 12 {
			z = buildZip(t, zipEntrySpec{name: fmt.Sprintf("level%d.zip", 11-i), data: z})
		}
		m, err := Parse(zipMessage("level.zip", z), &ParseOptions{MaxDepth: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Attachments) != 1 || !strings.HasSuffix(m.Attachments[0].Filename, ".zip") || !hasProblem(m, "nested deeper than 5") {
			t.Fatalf("attachments %q problems %q", attachmentNames(m), m.Problems)
		}
		if got := len(m.Attachments[0].Path); got > 5 {
			t.Errorf("kept at depth %d", got)
		}
	})
	t.Run("damaged", func(t *testing.T) {
		z := buildZip(t, zipEntrySpec{name: "a.csv", data: csv})
		z = z[:len(z)-10] // cut into the end record
		m, err := Parse(zipMessage("cut.zip", z), nil)
		if err != nil {
			t.Fatal(err)
		}
		if names := attachmentNames(m); !slices.Equal(names, []string{"cut.zip"}) || !hasProblem(m, "unreadable zip") {
			t.Errorf("attachments %q problems %q", names, m.Problems)
		}
	})
	t.Run("office files are not unpacked", func(t *testing.T) {
		xlsx := makeXLSX(t, [][]string{{"a", "1"}})
		if isZip("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "t.xlsx", xlsx) ||
			isZip("application/zip", "t.xlsx", xlsx) || !isZip("application/octet-stream", "t.zip", xlsx) {
			t.Error("isZip")
		}
	})
	t.Run("names", func(t *testing.T) {
		z := buildZip(t,
			zipEntrySpec{name: "../../etc/passwd", data: csv},
			zipEntrySpec{name: `win\dir\file.csv`, data: csv},
			zipEntrySpec{name: "/abs/x.csv", data: csv})
		m, err := Parse(zipMessage("names.zip", z), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"names.zip/etc/passwd", "names.zip/win/dir/file.csv", "names.zip/abs/x.csv"}
		if names := attachmentNames(m); !slices.Equal(names, want) {
			t.Errorf("attachments %q, want %q", names, want)
		}
	})
}

// endless is a reader of zeros that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadBounded(t *testing.T) {
	data, over, err := readBounded(endless{}, 1<<40, 1<<20)
	if !over || data != nil || err != nil {
		t.Errorf("endless: over %v, %d bytes, err %v", over, len(data), err)
	}
	var alloc uint64
	alloc, _ = measure(func() { readBounded(endless{}, 0, 8<<20) })
	// Without a size hint the buffer doubles up to limit+1 bytes: at most
	// twice the limit is ever allocated, in all.
	if alloc > 17<<20 {
		t.Errorf("reading past an 8 MiB limit allocated %d MiB", alloc>>20)
	}
	data, over, err = readBounded(strings.NewReader("exactly"), 3, 7)
	if over || string(data) != "exactly" || err != nil {
		t.Errorf("at the limit: %q over %v err %v", data, over, err)
	}
	_, _, err = readBounded(io.MultiReader(strings.NewReader("x"), errReader{}), 1, 100)
	if err == nil {
		t.Error("read error lost")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
