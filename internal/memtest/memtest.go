// Package memtest holds what the memory tests share: a generated CSV of a
// chosen size and a sampler of the heap's peak while work runs.
package memtest

import (
	"bytes"
	"runtime"
	"strconv"
	"time"
)

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
