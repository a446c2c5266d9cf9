package metrics

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// SDK carries the Temporal SDK's metrics (workflow and activity task
// latencies, poll results, schedule-to-start, sticky cache) into a
// Prometheus registry. Pass it as client.Options.MetricsHandler; the
// registry is served with foidesk's own metrics.
type SDK struct {
	reg  prometheus.Registerer
	tags map[string]string

	mu   *sync.Mutex
	vecs map[string]prometheus.Collector // name + label names → vector
}

var _ client.MetricsHandler = (*SDK)(nil)

// SDKRegistry is where the process's SDK metrics are registered; Handler
// serves it.
var SDKRegistry = prometheus.NewRegistry()

var defaultSDK = NewSDK(SDKRegistry)

// DefaultSDK returns the process's SDK metrics handler.
func DefaultSDK() *SDK { return defaultSDK }

// NewSDK returns a handler registering its metrics with reg.
func NewSDK(reg prometheus.Registerer) *SDK {
	return &SDK{reg: reg, tags: map[string]string{}, mu: &sync.Mutex{}, vecs: map[string]prometheus.Collector{}}
}

// WithTags implements client.MetricsHandler.
func (s *SDK) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(s.tags)+len(tags))
	for k, v := range s.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return &SDK{reg: s.reg, tags: merged, mu: s.mu, vecs: s.vecs}
}

func (s *SDK) labels() ([]string, prometheus.Labels) {
	names := make([]string, 0, len(s.tags))
	for k := range s.tags {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, prometheus.Labels(s.tags)
}

func metricName(name string) string {
	return "temporal_" + strings.NewReplacer(".", "_", "-", "_").Replace(strings.TrimPrefix(name, "temporal_"))
}

// vec returns the vector for name with the handler's label names,
// creating and registering it once.
func (s *SDK) vec(name string, names []string, make func(string, []string) prometheus.Collector) prometheus.Collector {
	key := name + "|" + strings.Join(names, ",")
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.vecs[key]; ok {
		return v
	}
	v := make(metricName(name), names)
	if err := s.reg.Register(v); err != nil {
		// The same metric with other label names: keep it out of the
		// registry rather than fail the worker.
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			v = are.ExistingCollector
		}
	}
	s.vecs[key] = v
	return v
}

// Counter implements client.MetricsHandler.
func (s *SDK) Counter(name string) client.MetricsCounter {
	names, labels := s.labels()
	v := s.vec(name, names, func(n string, l []string) prometheus.Collector {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: n + "_total", Help: "Temporal SDK counter " + name}, l)
	})
	cv, ok := v.(*prometheus.CounterVec)
	if !ok {
		return client.MetricsNopHandler.Counter(name)
	}
	c, err := cv.GetMetricWith(labels)
	if err != nil {
		return client.MetricsNopHandler.Counter(name)
	}
	return counter{c}
}

// Gauge implements client.MetricsHandler.
func (s *SDK) Gauge(name string) client.MetricsGauge {
	names, labels := s.labels()
	v := s.vec(name, names, func(n string, l []string) prometheus.Collector {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: n, Help: "Temporal SDK gauge " + name}, l)
	})
	gv, ok := v.(*prometheus.GaugeVec)
	if !ok {
		return client.MetricsNopHandler.Gauge(name)
	}
	g, err := gv.GetMetricWith(labels)
	if err != nil {
		return client.MetricsNopHandler.Gauge(name)
	}
	return gauge{g}
}

// Timer implements client.MetricsHandler.
func (s *SDK) Timer(name string) client.MetricsTimer {
	names, labels := s.labels()
	v := s.vec(name, names, func(n string, l []string) prometheus.Collector {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: n + "_seconds", Help: "Temporal SDK timer " + name,
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, l)
	})
	hv, ok := v.(*prometheus.HistogramVec)
	if !ok {
		return client.MetricsNopHandler.Timer(name)
	}
	h, err := hv.GetMetricWith(labels)
	if err != nil {
		return client.MetricsNopHandler.Timer(name)
	}
	return timer{h}
}

type counter struct{ c prometheus.Counter }

func (c counter) Inc(n int64) { c.c.Add(float64(n)) }

type gauge struct{ g prometheus.Gauge }

func (g gauge) Update(v float64) { g.g.Set(v) }

type timer struct{ h prometheus.Observer }

func (t timer) Record(d time.Duration) { t.h.Observe(d.Seconds()) }
