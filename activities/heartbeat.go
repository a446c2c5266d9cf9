package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
)

// heartbeatEvery is how often every activity reports that it is alive.
// With a workflow's HeartbeatTimeout of a few times this, an attempt cut
// off by a crashed worker is retried within seconds, not after its whole
// time limit.
var heartbeatEvery = 3 * time.Second

// HeartbeatInterceptor makes every activity heartbeat while it runs, so
// that the workflows can give every activity a heartbeat timeout, and
// reports an attempt cut off by its worker stopping as what it is (see
// cutOffByStop). Register it on each worker (worker.Options.Interceptors).
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
	out, err := a.Next.ExecuteActivity(ctx, in)
	return out, cutOffByStop(ctx, err)
}

// ErrTypeWorkerStopping is the type of an attempt's error when its worker
// stopped under it: retried, by the next worker to poll.
const ErrTypeWorkerStopping = "WorkerStopping"

// cutOffByStop turns the error of an attempt its worker's stopping cut off
// (the activity's context cancelled with worker.ErrWorkerShutdown: the
// inbox's wait for mail, a document half read) into a benign, retryable
// error. Stopping a worker is routine, and the SDK logs a benign error at
// debug level, not as an activity's failure.
func cutOffByStop(ctx context.Context, err error) error {
	if err == nil || !errors.Is(context.Cause(ctx), worker.ErrWorkerShutdown) {
		return err
	}
	return temporal.NewApplicationErrorWithOptions("cut off: the worker is stopping; another attempt follows",
		ErrTypeWorkerStopping, temporal.ApplicationErrorOptions{Cause: err, Category: temporal.ApplicationErrorCategoryBenign})
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
