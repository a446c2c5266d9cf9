package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The SDK's counters, gauges and timers reach the registry with their tags.
func TestSDKMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := NewSDK(reg).WithTags(map[string]string{"namespace": "default"})
	h.WithTags(map[string]string{"task_queue": "foidesk"}).Counter("temporal_workflow_completed").Inc(3)
	h.Gauge("temporal_worker_task_slots_available").Update(7)
	h.Timer("temporal_activity_execution_latency").Record(250 * time.Millisecond)
	h.WithTags(map[string]string{"task_queue": "foidesk"}).Counter("temporal_workflow_completed").Inc(2)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch {
			case m.Counter != nil:
				got[mf.GetName()] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[mf.GetName()] = m.Gauge.GetValue()
			case m.Histogram != nil:
				got[mf.GetName()] = m.Histogram.GetSampleSum()
			}
		}
	}
	if got["temporal_workflow_completed_total"] != 5 || got["temporal_worker_task_slots_available"] != 7 ||
		got["temporal_activity_execution_latency_seconds"] != 0.25 {
		t.Errorf("gathered %v", got)
	}
}
