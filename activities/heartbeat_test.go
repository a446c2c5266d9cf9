package activities

import (
	"context"
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
