package pgrotate_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
	"github.com/opskit-dev/opskit/secrets/secretsmanager"
)

// Environment of the helper process TestRotationResume starts and kills.
const (
	envHelper   = "OPSKIT_ROTATION_HELPER" // "strategy step dsn secret admin-secret"
	helperReady = "STOPPED-AFTER "
)

func target(strategy, dsn string, store *secrets.Store, admin string) rotation.Target {
	if strategy == "alternating" {
		return pgrotate.NewAlternating(dsn, store, admin)
	}
	return pgrotate.NewSingleUser(dsn)
}

// TestRotationResumeHelper is the process TestRotationResume kills: it
// rotates until the given step is done, says so and waits to be killed.
func TestRotationResumeHelper(t *testing.T) {
	args := strings.Fields(os.Getenv(envHelper))
	if len(args) != 5 {
		t.Skip("helper process for TestRotationResume")
	}
	strategy, step, dsn, name, admin := args[0], args[1], args[2], args[3], args[4]
	store := secretsmanager.NewStore(awssm.NewFromConfig(testenv.AWSConfigFor(testenv.AWSEndpoint(), "us-east-1")), secrets.Options{})
	r := rotation.New(store, target(strategy, dsn, store, admin), rotation.Options{
		AfterStep: func(_ context.Context, _ string, s rotation.Step) error {
			if s.String() == step {
				fmt.Println(helperReady + step)
				select {} // killed here
			}
			return nil
		},
	})
	_, err := r.Rotate(context.Background(), name)
	t.Fatalf("helper: Rotate returned %v without stopping at %s", err, step)
}

// TestRotationResume kills (SIGKILL) a process rotating a Secrets Manager
// secret (moto) of a real PostgreSQL role after each of the first three
// steps, then rotates again in this process, which must finish the
// interrupted rotation: the new current secret logs in, previous is the
// old version, no pending stage is left and the old and new values differ.
func TestRotationResume(t *testing.T) {
	if os.Getenv(envHelper) != "" {
		t.Skip("in helper process")
	}
	sm := awssm.NewFromConfig(testenv.AWS(t))
	store := secretsmanager.NewStore(sm, secrets.Options{})
	for _, strategy := range []string{"single", "alternating"} {
		for _, step := range []rotation.Step{rotation.StepCreate, rotation.StepSet, rotation.StepTest} {
			t.Run(strategy+"/"+step.String(), func(t *testing.T) {
				e := newPG(t)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				var b [4]byte
				_, _ = rand.Read(b[:])
				name, admin := "opskit/rot-"+hex.EncodeToString(b[:]), "opskit/rot-admin-"+hex.EncodeToString(b[:])
				for n, v := range map[string]secrets.Value{name: pgrotate.Credentials(e.role, e.password), admin: e.admin} {
					if _, err := store.Put(ctx, n, v, secrets.PutOptions{}); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { _ = store.Delete(context.Background(), n, secrets.DeleteOptions{}) })
				}
				old, _ := store.Get(ctx, name)

				killAfter(t, ctx, strings.Join([]string{strategy, step.String(), e.dsn, name, admin}, " "))
				if err := e.query(ctx, old.Value); err != nil && !(strategy == "single" && step > rotation.StepCreate) {
					t.Fatalf("old secret after a kill at %s: %v", step, err)
				}
				pend, err := store.GetStage(ctx, name, secrets.StagePending)
				if err != nil {
					t.Fatalf("pending after a kill at %s: %v", step, err)
				}

				id, err := rotation.New(store, target(strategy, e.dsn, store, admin), rotation.Options{}).Rotate(ctx, name)
				if err != nil {
					t.Fatalf("resumed Rotate = %v", err)
				}
				cur, _ := store.Get(ctx, name)
				prev, _ := store.GetStage(ctx, name, secrets.StagePrevious)
				if id != pend.Version.ID || cur.Version.ID != pend.Version.ID || prev.Version.ID != old.Version.ID {
					t.Fatalf("after resume: current %s, previous %s; want the killed run's pending %s and the old %s",
						cur.Version.ID, prev.Version.ID, pend.Version.ID, old.Version.ID)
				}
				if _, err := store.GetStage(ctx, name, secrets.StagePending); !errors.Is(err, secrets.ErrNotFound) {
					t.Fatalf("pending left after resume: %v", err)
				}
				if err := e.query(ctx, cur.Value); err != nil {
					t.Fatalf("new current secret: %v", err)
				}
				if cur.Value.Reveal() == old.Value.Reveal() {
					t.Fatal("the value did not change")
				}
			})
		}
	}
}

// killAfter starts the helper, waits for it to reach its step and kills it.
func killAfter(t *testing.T, ctx context.Context, args string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRotationResumeHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), envHelper+"="+args)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	reached := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), helperReady) {
			reached = true
			break
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if !reached {
		t.Fatal("helper exited before reaching its step")
	}
}
