package testenv

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// AWSEndpoint returns the moto emulator's base URL (OPSKIT_AWS_ENDPOINT,
// default http://127.0.0.1:5055).
func AWSEndpoint() string { return getenv("OPSKIT_AWS_ENDPOINT", "http://127.0.0.1:5055") }

// AWSConfigFor returns an aws.Config pointed at endpoint with static test
// credentials and region, without checking anything.
func AWSConfigFor(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(
			getenv("OPSKIT_AWS_ACCESS_KEY_ID", "opskit-test"),
			getenv("OPSKIT_AWS_SECRET_ACCESS_KEY", "opskit-test"), ""),
		RetryMaxAttempts: 3,
	}
}

// AWS returns an aws.Config for the moto emulator in us-east-1 after checking
// that it answers; otherwise it skips or fails t. Each test should use its own
// resource names: the emulator's state is shared by every test of a run.
func AWS(t testing.TB) aws.Config {
	t.Helper()
	endpoint := AWSEndpoint()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/moto-api/data.json", nil)
	if err == nil {
		var resp *http.Response
		resp, err = http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("GET /moto-api/data.json: %s", resp.Status)
			}
		}
	}
	if err != nil {
		Unavailable(t, "moto AWS emulator ("+endpoint+")", err)
	}
	return AWSConfigFor(endpoint, getenv("OPSKIT_AWS_REGION", "us-east-1"))
}
