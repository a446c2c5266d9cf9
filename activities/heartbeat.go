package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// heartbeatEvery is how often every activity reports that it is alive.
// With a workflow's HeartbeatTimeout of a few times this, an attempt cut
// off by a crashed worker is retried within seconds, not after its whole
// time limit.
var heartbeatEvery = 3 * time.Second

// HeartbeatInterceptor makes every activity heartbeat while it runs, so
// that the workflows can give every activity a heartbeat timeout. Register
// it on each worker (worker.Options.Interceptors).
func HeartbeatInterceptor() interceptor.WorkerInterceptor { return &heartbeatWorker{} }

type heartbeatWorker struct {
	interceptor.WorkerInterceptorBase
}

func (w *heartbeatWorker) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &heartbeatActivity{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type heartbeatActivity struct {
	interceptor.ActivityInboundInterceptorBase
}

func (a *heartbeatActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	defer heartbeat(ctx, heartbeatEvery)()
	return a.Next.ExecuteActivity(ctx, in)
}

// heartbeat records activity heartbeats every d until stopped.
func heartbeat(ctx context.Context, d time.Duration) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}
