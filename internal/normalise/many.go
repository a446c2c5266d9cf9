package normalise

import (
	"runtime"
	"sync"

	"github.com/foidesk/foidesk/internal/extract"
)

// TableResult is Table's answer for one of several tables.
type TableResult struct {
	Result *Result
	Err    error
}

// Tables maps several tables at once, spread over the machine's cores;
// overrides, when given, are by table index. Results are in input order.
func Tables(tables []*extract.Table, s *Schema, overrides map[int]*Overrides) []TableResult {
	out := make([]TableResult, len(tables))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tables)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				res, err := Table(tables[i], s, &Options{Overrides: overrides[tables[i].Index]})
				out[i] = TableResult{res, err}
			}
		}()
	}
	for i := range tables {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}
