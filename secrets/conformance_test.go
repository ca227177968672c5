package secrets_test

import (
	"context"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/blobstore"
	"github.com/opskit-dev/opskit/secrets/envelope"
	"github.com/opskit-dev/opskit/secrets/secretsmanager"
	"github.com/opskit-dev/opskit/secrets/ssm"
	"github.com/opskit-dev/opskit/secrets/swarm"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
	"github.com/opskit-dev/opskit/secrets/secretstest"
)

type fakeHarness struct{}

func (fakeHarness) Store(*testing.T) *secrets.Store { return secretsfake.NewStore() }
func (fakeHarness) Prefix() string                  { return "" }
func (fakeHarness) RecoveryWindow() time.Duration   { return time.Hour }

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		secretstest.Run(t, func(*testing.T) secretstest.Harness { return fakeHarness{} })
	})
	t.Run("secretsmanager", func(t *testing.T) {
		h := smHarness{api: awssm.NewFromConfig(testenv.AWS(t))}
		secretstest.Run(t, func(*testing.T) secretstest.Harness { return h })
	})
	t.Run("ssm", func(t *testing.T) {
		h := ssmHarness{api: awsssm.NewFromConfig(testenv.AWS(t))}
		secretstest.Run(t, func(*testing.T) secretstest.Harness { return h })
	})
	t.Run("blobstore", func(t *testing.T) {
		keys, err := envelope.NewLocalKeys(map[string][]byte{"k": make([]byte, 32)})
		if err != nil {
			t.Fatal(err)
		}
		secretstest.Run(t, func(*testing.T) secretstest.Harness { return blobHarness{keys: keys, keyID: "k"} })
	})
	t.Run("blobstore-kms", func(t *testing.T) {
		c := kms.NewFromConfig(testenv.AWS(t))
		out, err := c.CreateKey(context.Background(), &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = c.ScheduleKeyDeletion(context.Background(), &kms.ScheduleKeyDeletionInput{KeyId: out.KeyMetadata.KeyId, PendingWindowInDays: aws.Int32(7)})
		})
		secretstest.Run(t, func(*testing.T) secretstest.Harness {
			return blobHarness{keys: envelope.NewKMS(c), keyID: *out.KeyMetadata.KeyId}
		})
	})
	t.Run("swarm", func(t *testing.T) {
		h := swarmHarness{cli: testenv.Docker(t)}
		secretstest.Run(t, func(*testing.T) secretstest.Harness { return h })
	})
}

type smHarness struct{ api *awssm.Client }

func (h smHarness) Store(*testing.T) *secrets.Store {
	return secretsmanager.NewStore(h.api, secrets.Options{})
}
func (smHarness) Prefix() string                { return "opskit/" }
func (smHarness) RecoveryWindow() time.Duration { return 7 * 24 * time.Hour }

type ssmHarness struct{ api *awsssm.Client }

func (h ssmHarness) Store(*testing.T) *secrets.Store { return ssm.NewStore(h.api, ssm.Options{}) }
func (ssmHarness) Prefix() string                    { return "/opskit/" }

type swarmHarness struct{ cli *client.Client }

func (h swarmHarness) Store(*testing.T) *secrets.Store { return swarm.NewStore(h.cli) }
func (swarmHarness) Prefix() string                    { return "opskit-" }
func (swarmHarness) WriteOnly() bool                   { return true }

type blobHarness struct {
	keys  envelope.KeyService
	keyID string
}

func (h blobHarness) Store(t *testing.T) *secrets.Store {
	d, err := blobstore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return blobstore.NewStore(d, h.keys, blobstore.Options{KeyID: h.keyID})
}
func (blobHarness) Prefix() string { return "" }
