package testenv

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// AWSCalls counts the AWS operations called through a config: calls, not
// attempts, so tests can compare the calls a run made with the minimum the
// API needs.
type AWSCalls struct {
	mu  sync.Mutex
	ops map[string]int
}

// Install makes every client built from cfg count its calls in c.
func (c *AWSCalls) Install(cfg *aws.Config) {
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		// Initialize runs once per call, before the SDK's retries, so a
		// retried attempt on a loaded machine is not counted twice.
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("opskit-count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			if c.ops == nil {
				c.ops = map[string]int{}
			}
			c.ops[awsmiddleware.GetOperationName(ctx)]++
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	})
}

// Take returns the counts since the last Take: all calls, those that change
// something (not Describe*, Get* or List*), and the calls by operation.
func (c *AWSCalls) Take() (all, writes int, ops map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops = c.ops
	c.ops = nil
	for op, n := range ops {
		all += n
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") {
			writes += n
		}
	}
	return all, writes, ops
}
