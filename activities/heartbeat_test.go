package activities

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// An activity that never heartbeats itself still beats while it runs on a
// worker with HeartbeatInterceptor, and stops when it returns. (The test
// environment does not enforce heartbeat timeouts; the fault suite shows
// what they are for.)
func TestEveryActivityHeartbeats(t *testing.T) {
	defer func(d time.Duration) { heartbeatEvery = d }(heartbeatEvery)
	heartbeatEvery = 10 * time.Millisecond
	for _, with := range []bool{false, true} {
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestWorkflowEnvironment()
		if with {
			env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{HeartbeatInterceptor()}})
		}
		var beats atomic.Int32
		env.SetOnActivityHeartbeatListener(func(*activity.Info, converter.EncodedValues) { beats.Add(1) })
		env.RegisterActivityWithOptions(func(ctx context.Context) error {
			time.Sleep(200 * time.Millisecond)
			return nil
		}, activity.RegisterOptions{Name: "quiet"})
		env.RegisterWorkflowWithOptions(func(ctx workflow.Context) error {
			ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
				HeartbeatTimeout: 60 * time.Millisecond, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}})
			return workflow.ExecuteActivity(ctx, "quiet").Get(ctx, nil)
		}, workflow.RegisterOptions{Name: "run"})
		env.ExecuteWorkflow("run")
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		after := beats.Load()
		time.Sleep(50 * time.Millisecond)
		switch {
		case !with && after != 0:
			t.Errorf("without the interceptor: %d heartbeats, want none", after)
		case with && after < 2:
			t.Errorf("with the interceptor: %d heartbeats in 200 ms at one per 10 ms, want several", after)
		case beats.Load() != after:
			t.Errorf("heartbeats went on after the activity returned (%d → %d)", after, beats.Load())
		}
	}
}

// An attempt cut off by its worker stopping is retried, and reported as
// benign; any other failure stands as it was.
func TestCutOffByStop(t *testing.T) {
	cause := errors.New("imap: end idle: context canceled")
	if got := cutOffByStop(context.Background(), cause); got != cause {
		t.Errorf("a failure of a running worker became %v", got)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if got := cutOffByStop(cancelled, cause); got != cause {
		t.Errorf("a cancelled attempt (not a stopping worker) became %v", got)
	}
	stopping, stop := context.WithCancelCause(context.Background())
	stop(worker.ErrWorkerShutdown)
	inner, cancelInner := context.WithTimeout(stopping, time.Minute) // the SDK's deadline context
	defer cancelInner()
	got := cutOffByStop(inner, cause)
	var app *temporal.ApplicationError
	if !errors.As(got, &app) || app.Type() != ErrTypeWorkerStopping || app.NonRetryable() ||
		app.Category() != temporal.ApplicationErrorCategoryBenign || !errors.Is(got, cause) {
		t.Errorf("cut off by a stopping worker: %#v, want a benign, retryable %s error wrapping the cause", got, ErrTypeWorkerStopping)
	}
	if cutOffByStop(inner, nil) != nil {
		t.Error("an attempt that succeeded as its worker stopped became a failure")
	}
}
