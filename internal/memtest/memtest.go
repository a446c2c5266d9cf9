// Package memtest holds what the memory tests share: a generated CSV of a
// chosen size, a sampler of the heap's peak while work runs, and a way to
// run the work in a fresh process of the test binary and read its figures.
package memtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// childMark starts the line a child process reports its figures on.
const childMark = "CHILD:"

// RunChild runs test in a fresh process of this test binary, with env
// added to its environment, so that what it measures is its work's alone,
// and decodes the figures it reported with Report into v.
func RunChild(t testing.TB, test string, env []string, v any) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	i := bytes.Index(out, []byte(childMark))
	if i < 0 {
		t.Fatalf("child printed no stats:\n%s", out)
	}
	line, _, _ := bytes.Cut(out[i+len(childMark):], []byte("\n"))
	if err := json.Unmarshal(line, v); err != nil {
		t.Fatalf("child stats %q: %v", line, err)
	}
}

// Report prints v, in a child process, for RunChild in the parent.
func Report(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"Err": err.Error()})
	}
	fmt.Printf("%s%s\n", childMark, b)
}

// BigCSV writes a CSV of about size bytes: a header, then rows of a
// month, a force, an offence group, an outcome and a count.
func BigCSV(size int) []byte {
	forces := []string{"Metropolitan Police", "Kent", "Greater Manchester", "West Yorkshire", "Thames Valley", "Avon and Somerset"}
	offences := []string{"Violence against the person", "Theft offences", "Criminal damage and arson", "Drug offences", "Public order offences"}
	outcomes := []string{"Charged/Summonsed", "Community resolution", "Investigation complete - no suspect identified", "Evidential difficulties"}
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteString("Month,Force,Offence group,Outcome,Count\n")
	for i := 0; b.Len() < size; i++ {
		b.WriteString(strconv.Itoa(2015+i/12%10) + "-" + strconv.Itoa(1+i%12))
		b.WriteByte(',')
		b.WriteString(forces[i%len(forces)])
		b.WriteByte(',')
		b.WriteString(offences[i/7%len(offences)])
		b.WriteByte(',')
		b.WriteString(outcomes[i/3%len(outcomes)])
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(i * 13 % 5000))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Peak is the most heap in use seen while sampling.
type Peak struct {
	HeapAlloc, HeapInuse uint64
}

// Sampler reads the heap's statistics every 10 ms until stopped.
type Sampler struct {
	stop chan struct{}
	done chan Peak
	// OnNewPeak, when set before Start, is called each time HeapAlloc
	// reaches a new high (to write a heap profile, say).
	OnNewPeak func()
}

// Start begins sampling.
func (s *Sampler) Start() {
	s.stop, s.done = make(chan struct{}), make(chan Peak)
	go func() {
		var p Peak
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				s.done <- p
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > p.HeapAlloc && s.OnNewPeak != nil {
					s.OnNewPeak()
				}
				p.HeapAlloc = max(p.HeapAlloc, ms.HeapAlloc)
				p.HeapInuse = max(p.HeapInuse, ms.HeapInuse)
			}
		}
	}()
}

// Stop ends sampling and returns the peak, counting the heap as it is now.
func (s *Sampler) Stop() Peak {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	close(s.stop)
	p := <-s.done
	p.HeapAlloc = max(p.HeapAlloc, ms.HeapAlloc)
	p.HeapInuse = max(p.HeapInuse, ms.HeapInuse)
	return p
}
