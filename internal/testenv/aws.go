package testenv

import (
	"context"
	"fmt"
	"net/http"
	"strings"
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
	if err := probeAWS(ctx, endpoint); err != nil {
		Unavailable(t, "moto AWS emulator ("+endpoint+")", err)
	}
	return AWSConfigFor(endpoint, getenv("OPSKIT_AWS_REGION", "us-east-1"))
}

// probeAWS asks the emulator for STS GetCallerIdentity over plain HTTP: an
// answer that costs nothing and does not grow with the state other tests
// leave behind (moto's /moto-api/data.json does, and fails once some RDS
// resources exist).
func probeAWS(ctx context.Context, endpoint string) error {
	body := strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("STS GetCallerIdentity: %s", resp.Status)
	}
	return nil
}
