package inject_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/inject"
)

type countingSM struct {
	*sm.Client
	calls atomic.Int64
}

func (c *countingSM) GetSecretValue(ctx context.Context, in *sm.GetSecretValueInput, o ...func(*sm.Options)) (*sm.GetSecretValueOutput, error) {
	c.calls.Add(1)
	return c.Client.GetSecretValue(ctx, in, o...)
}

type countingSSM struct {
	*ssm.Client
	calls atomic.Int64
}

func (c *countingSSM) GetParameters(ctx context.Context, in *ssm.GetParametersInput, o ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	c.calls.Add(1)
	return c.Client.GetParameters(ctx, in, o...)
}

func suffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// TestResolve100 resolves 100 references on moto: 40 Secrets Manager keys
// of 20 JSON secrets, 10 plain secrets, and 50 SSM parameters; it checks
// every value and the number of calls (one per distinct secret, one per
// ten parameters).
func TestResolve100(t *testing.T) {
	cfg := testenv.AWS(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	smc := &countingSM{Client: sm.NewFromConfig(cfg)}
	ssmc := &countingSSM{Client: ssm.NewFromConfig(cfg)}
	s := suffix()
	refs, want := map[string]string{}, map[string]string{}
	for i := range 20 {
		name := fmt.Sprintf("opskit/inject-%s/json-%d", s, i)
		if _, err := smc.CreateSecret(ctx, &sm.CreateSecretInput{Name: &name, SecretString: aws.String(fmt.Sprintf(`{"user":"u%d","password":"p%d"}`, i, i))}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = smc.DeleteSecret(context.Background(), &sm.DeleteSecretInput{SecretId: &name, ForceDeleteWithoutRecovery: aws.Bool(true)})
		})
		refs[fmt.Sprintf("USER_%d", i)], want[fmt.Sprintf("USER_%d", i)] = "secretsmanager://"+name+"#user", fmt.Sprintf("u%d", i)
		refs[fmt.Sprintf("PW_%d", i)], want[fmt.Sprintf("PW_%d", i)] = "secretsmanager://"+name+"#password", fmt.Sprintf("p%d", i)
	}
	for i := range 10 {
		name := fmt.Sprintf("opskit/inject-%s/plain-%d", s, i)
		if _, err := smc.CreateSecret(ctx, &sm.CreateSecretInput{Name: &name, SecretString: aws.String(fmt.Sprintf("plain%d", i))}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = smc.DeleteSecret(context.Background(), &sm.DeleteSecretInput{SecretId: &name, ForceDeleteWithoutRecovery: aws.Bool(true)})
		})
		refs[fmt.Sprintf("PLAIN_%d", i)], want[fmt.Sprintf("PLAIN_%d", i)] = "secretsmanager://"+name, fmt.Sprintf("plain%d", i)
	}
	for i := range 50 {
		name := fmt.Sprintf("/opskit/inject-%s/p%d", s, i)
		if _, err := ssmc.PutParameter(ctx, &ssm.PutParameterInput{Name: &name, Value: aws.String(fmt.Sprintf("param%d", i)), Type: ssmtypes.ParameterTypeSecureString}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = ssmc.DeleteParameter(context.Background(), &ssm.DeleteParameterInput{Name: &name}) })
		refs[fmt.Sprintf("P_%d", i)], want[fmt.Sprintf("P_%d", i)] = "ssm://"+name, fmt.Sprintf("param%d", i)
	}
	r := inject.NewResolver(inject.Options{SecretsManager: smc, SSM: ssmc})
	start := time.Now()
	got, err := r.Resolve(ctx, refs)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	for k, w := range want {
		if got[k].Reveal() != w {
			t.Errorf("%s: wrong value", k)
		}
	}
	t.Logf("100 references: %d GetSecretValue + %d GetParameters calls in %v", smc.calls.Load(), ssmc.calls.Load(), elapsed.Round(time.Millisecond))
	if smc.calls.Load() != 30 || ssmc.calls.Load() != 5 {
		t.Fatalf("calls: %d GetSecretValue, %d GetParameters; want 30 and 5", smc.calls.Load(), ssmc.calls.Load())
	}
	// A missing parameter or key is ErrNotFound.
	for _, ref := range []string{"ssm:///opskit/inject-" + s + "/none", "secretsmanager://opskit/inject-" + s + "/json-0#none"} {
		if _, err := r.Resolve(ctx, map[string]string{"X": ref}); !errors.Is(err, inject.ErrNotFound) {
			t.Errorf("Resolve(%s) = %v; want ErrNotFound", ref, err)
		}
	}
}

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		in      string
		ok, bad bool
		want    inject.Ref
	}{
		{in: "plain", ok: false},
		{in: "https://example.com", ok: false},
		{in: "secretsmanager://prod/db#password", ok: true, want: inject.Ref{Scheme: "secretsmanager", Name: "prod/db", Key: "password"}},
		{in: "ssm:///prod/db", ok: true, want: inject.Ref{Scheme: "ssm", Name: "/prod/db"}},
		{in: "swarm://db_password", ok: true, want: inject.Ref{Scheme: "swarm", Name: "db_password"}},
		{in: "file:///run/secrets/x", ok: true, want: inject.Ref{Scheme: "file", Name: "/run/secrets/x"}},
		{in: "ssm://relative", ok: true, bad: true},
		{in: "swarm://../etc/passwd", ok: true, bad: true},
		{in: "secretsmanager://", ok: true, bad: true},
	} {
		got, ok, err := inject.ParseRef(tc.in)
		if ok != tc.ok || (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("ParseRef(%q) = %+v, %v, %v; want %+v, %v, bad=%v", tc.in, got, ok, err, tc.want, tc.ok, tc.bad)
		}
		if tc.bad && !errors.Is(err, inject.ErrInvalid) {
			t.Errorf("ParseRef(%q) error %v does not match ErrInvalid", tc.in, err)
		}
	}
}

// TestExec replaces a helper process by sh through inject.Exec; sh writes
// the resolved variables to a file, and its command line holds no value.
func TestExec(t *testing.T) {
	if os.Getenv("OPSKIT_INJECT_HELPER") == "1" {
		r := inject.NewResolver(inject.Options{SwarmDir: os.Getenv("SWARM_DIR")})
		err := inject.Exec(context.Background(), r, []string{"sh", "-c", `printf '%s|%s|%s' "$DB_PASSWORD" "$API_USER" "$PLAIN" > "$OUT"; tr '\0' ' ' < /proc/$$/cmdline > "$OUT.cmdline"`})
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "db_password"), []byte("swarm-pw"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "api.json"), []byte(`{"user":"alice"}`), 0o600)
	out := filepath.Join(dir, "out")
	cmd := exec.Command(os.Args[0], "-test.run=^TestExec$")
	cmd.Env = append(os.Environ(), "OPSKIT_INJECT_HELPER=1", "SWARM_DIR="+dir, "OUT="+out,
		"DB_PASSWORD=swarm://db_password", "API_USER=file://"+filepath.Join(dir, "api.json")+"#user", "PLAIN=as-is")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v: %s", err, b)
	}
	got, _ := os.ReadFile(out)
	if string(got) != "swarm-pw|alice|as-is" {
		t.Fatalf("program saw %q", got)
	}
	cl, _ := os.ReadFile(out + ".cmdline")
	if len(cl) == 0 || strings.Contains(string(cl), "swarm-pw") || strings.Contains(string(cl), "alice") {
		t.Fatalf("command line %q is empty or holds a value", cl)
	}
}
