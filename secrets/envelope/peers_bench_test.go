package envelope_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// runPeer runs name with args, feeding it size zero bytes (or the file in)
// and discarding its output; it reports the child's peak RSS.
func runPeer(b *testing.B, in string, size int64, name string, args ...string) {
	b.Helper()
	cmd := exec.Command(name, args...)
	if in != "" {
		f, err := os.Open(in)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	} else {
		cmd.Stdin = io.LimitReader(zeros{}, size)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v: %s", name, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}

func peer(b *testing.B, names ...string) string {
	for _, n := range names {
		if n == "" {
			continue
		}
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	b.Skipf("%s not installed (make bench installs it)", names[len(names)-1])
	return ""
}

// ageKey makes an age identity file and returns it with its recipient.
func ageKey(b *testing.B) (identity, recipient string) {
	keygen := peer(b, "age-keygen")
	identity = filepath.Join(b.TempDir(), "key.txt")
	out, err := exec.Command(keygen, "-o", identity).CombinedOutput()
	if err != nil {
		b.Fatalf("age-keygen: %v: %s", err, out)
	}
	_, recipient, _ = strings.Cut(strings.TrimSpace(string(out)), "Public key: ")
	return identity, recipient
}

// benchPeers runs age (Debian's package) on the same 1 GiB
// stream, and sops (go install github.com/getsops/sops/v3/cmd/sops, or
// OPSKIT_SOPS) on 64 MiB: sops reads the whole file into memory, so 1 GiB
// would need several GiB of RAM. MB/s are comparable across sizes.
func benchPeers(b *testing.B) {
	b.Run("age/encrypt", func(b *testing.B) {
		age := peer(b, "age")
		_, recipient := ageKey(b)
		b.SetBytes(benchSize)
		for b.Loop() {
			runPeer(b, "", benchSize, age, "-r", recipient)
		}
	})
	b.Run("age/decrypt", func(b *testing.B) {
		age := peer(b, "age")
		identity, recipient := ageKey(b)
		enc := filepath.Join(b.TempDir(), "64m.age")
		f, _ := os.Create(enc)
		cmd := exec.Command(age, "-r", recipient)
		cmd.Stdin, cmd.Stdout = io.LimitReader(zeros{}, 64<<20), f
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		_ = f.Close()
		b.SetBytes(64 << 20)
		for b.Loop() {
			runPeer(b, enc, 0, age, "-d", "-i", identity)
		}
	})
	const sopsSize = 64 << 20
	b.Run("sops/encrypt", func(b *testing.B) {
		sops := peer(b, os.Getenv("OPSKIT_SOPS"), "sops")
		_, recipient := ageKey(b)
		plain := filepath.Join(b.TempDir(), "plain.bin")
		_ = os.WriteFile(plain, make([]byte, sopsSize), 0o600)
		b.SetBytes(sopsSize)
		for b.Loop() {
			sopsRun(b, nil, sops, "encrypt", "--age", recipient, "--input-type", "binary", "--output-type", "binary", plain)
		}
	})
	b.Run("sops/decrypt", func(b *testing.B) {
		sops := peer(b, os.Getenv("OPSKIT_SOPS"), "sops")
		identity, recipient := ageKey(b)
		dir := b.TempDir()
		plain, enc := filepath.Join(dir, "plain.bin"), filepath.Join(dir, "enc.json")
		_ = os.WriteFile(plain, make([]byte, sopsSize), 0o600)
		out, err := exec.Command(sops, "encrypt", "--age", recipient, "--input-type", "binary", "--output-type", "json", plain).Output()
		if err != nil {
			b.Fatalf("sops encrypt: %v", err)
		}
		_ = os.WriteFile(enc, out, 0o600)
		b.SetBytes(sopsSize)
		for b.Loop() {
			sopsRun(b, []string{"SOPS_AGE_KEY_FILE=" + identity}, sops, "decrypt", "--input-type", "json", "--output-type", "binary", enc)
		}
	})
}

func sopsRun(b *testing.B, env []string, sops string, args ...string) {
	cmd := exec.Command(sops, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("sops: %v: %s", err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}
