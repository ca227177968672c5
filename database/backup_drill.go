package database

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// DrillReport is the outcome of a restore drill.
type DrillReport struct {
	// OK is true only when the archive matched its manifest, restored
	// without error, and every table's row count and checksum matched.
	OK bool
	// ScratchDatabase is the database restored into (dropped afterwards).
	ScratchDatabase string
	// RestoreTime is how long pg_restore took (the recovery time to plan for).
	RestoreTime time.Duration
	// Tables compares each table of the manifest with the restored copy.
	Tables []TableComparison
	// Problems lists every mismatch in words.
	Problems []string
	// Amchecked reports that pg_amcheck verified the restored database.
	Amchecked bool
}

// TableComparison is one table in a drill.
type TableComparison struct {
	Table                    string
	SourceRows, RestoredRows int64
	SourceSum, RestoredSum   string
	Match                    bool
}

// VerifyArchive reads an archive and checks its size and SHA-256 against
// the manifest. The error wraps ErrCorruptArchive on a mismatch.
func VerifyArchive(r io.Reader, m *Manifest) error {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return fmt.Errorf("database: read archive: %w", err)
	}
	return checkDigest(n, hex.EncodeToString(h.Sum(nil)), m)
}

func checkDigest(n int64, sum string, m *Manifest) error {
	if m == nil {
		return fmt.Errorf("database: no manifest to verify against: %w", ErrCorruptArchive)
	}
	if n != m.Size {
		return fmt.Errorf("database: archive is %d bytes, manifest says %d (truncated or padded): %w", n, m.Size, ErrCorruptArchive)
	}
	if sum != m.SHA256 {
		return fmt.Errorf("database: archive sha256 %s, manifest says %s: %w", sum, m.SHA256, ErrCorruptArchive)
	}
	return nil
}

// RestoreDrill proves a backup can be restored: it copies archive to a
// temporary file while checking it against the manifest, lists its table of
// contents with pg_restore -l, restores it into a new scratch database on the
// server opts.DSN points at, compares every table's row count and checksum
// with the manifest, and drops the scratch database. A corrupt archive
// returns an error wrapping ErrCorruptArchive and a report with OK false.
func RestoreDrill(ctx context.Context, opts BackupOptions, archive io.Reader, m *Manifest) (*DrillReport, error) {
	rep := &DrillReport{}
	cc, err := pgx.ParseConfig(opts.DSN)
	if err != nil {
		return rep, invalid("drill DSN", "", "%v", redact(err))
	}
	cfg := &cc.Config
	f, err := os.CreateTemp("", "opskit-drill-*.dump")
	if err != nil {
		return rep, fmt.Errorf("database: drill: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), archive)
	if err != nil {
		return rep, fmt.Errorf("database: drill: read archive: %w", err)
	}
	if err := checkDigest(n, hex.EncodeToString(h.Sum(nil)), m); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		return rep, err
	}
	env, cleanup, err := libpqEnv(cfg, opts.DSN)
	if err != nil {
		return rep, err
	}
	defer cleanup()
	restore := orDefault(opts.PgRestore, "pg_restore")
	var stderr bytes.Buffer
	list := exec.CommandContext(ctx, restore, "-l", f.Name())
	list.Env, list.Stdout, list.Stderr = env, io.Discard, &stderr
	if err := list.Run(); err != nil {
		err = fmt.Errorf("database: pg_restore -l: %s: %w", strings.TrimSpace(stderr.String()), ErrCorruptArchive)
		rep.Problems = append(rep.Problems, err.Error())
		return rep, err
	}

	b := make([]byte, 6)
	_, _ = rand.Read(b)
	rep.ScratchDatabase = "opskit_drill_" + hex.EncodeToString(b)
	admin, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return rep, fmt.Errorf("database: drill: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident(rep.ScratchDatabase)+" TEMPLATE template0"); err != nil {
		return rep, fmt.Errorf("database: drill: create scratch database: %w", err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(dctx, "DROP DATABASE IF EXISTS "+ident(rep.ScratchDatabase)+" WITH (FORCE)"); err != nil {
			rep.OK = false
			rep.Problems = append(rep.Problems, "drop scratch database: "+err.Error())
		}
	}()

	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = 2
	}
	stderr.Reset()
	start := time.Now()
	cmd := exec.CommandContext(ctx, restore, "--exit-on-error", "--no-password", "-j", strconv.Itoa(jobs), "-d", rep.ScratchDatabase, f.Name())
	cmd.Env = append(env, "PGDATABASE="+rep.ScratchDatabase)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "could not read from input file") || strings.Contains(msg, "corrupt") || strings.Contains(msg, "unexpected end") {
			err = fmt.Errorf("database: pg_restore: %s: %w", msg, ErrCorruptArchive)
		} else {
			err = fmt.Errorf("database: pg_restore: %w: %s", err, msg)
		}
		rep.Problems = append(rep.Problems, err.Error())
		return rep, err
	}
	rep.RestoreTime = time.Since(start)
	if opts.Amcheck {
		stderr.Reset()
		var stdout bytes.Buffer
		am := exec.CommandContext(ctx, orDefault(opts.PgAmcheck, "pg_amcheck"), "--install-missing", "--heapallindexed", "--no-password", rep.ScratchDatabase)
		am.Env = append(env, "PGDATABASE="+rep.ScratchDatabase)
		am.Stdout, am.Stderr = &stdout, &stderr
		if err := am.Run(); err != nil {
			msg := strings.TrimSpace(stdout.String() + "\n" + stderr.String())
			rep.Problems = append(rep.Problems, "pg_amcheck: "+msg)
			return rep, fmt.Errorf("database: pg_amcheck: %w: %s", err, msg)
		}
		rep.Amchecked = true
	}

	scfg := cc.Copy()
	scfg.Database = rep.ScratchDatabase
	sc, err := pgx.ConnectConfig(ctx, scfg)
	if err != nil {
		return rep, fmt.Errorf("database: drill: %w", err)
	}
	got, err := tableDigests(ctx, sc)
	sc.Close(context.WithoutCancel(ctx))
	if err != nil {
		return rep, err
	}
	restored := map[string]TableDigest{}
	for _, d := range got {
		restored[d.Table] = d
	}
	rep.OK = true
	for _, want := range m.Tables {
		g, ok := restored[want.Table]
		c := TableComparison{Table: want.Table, SourceRows: want.Rows, SourceSum: want.Checksum, RestoredRows: g.Rows, RestoredSum: g.Checksum}
		c.Match = ok && g.Rows == want.Rows && g.Checksum == want.Checksum
		if !c.Match {
			rep.OK = false
			if !ok {
				rep.Problems = append(rep.Problems, want.Table+": missing after restore")
			} else {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %d rows (checksum %s) restored, %d rows (checksum %s) backed up", want.Table, g.Rows, g.Checksum, want.Rows, want.Checksum))
			}
		}
		rep.Tables = append(rep.Tables, c)
		delete(restored, want.Table)
	}
	for name := range restored {
		rep.OK = false
		rep.Problems = append(rep.Problems, name+": restored but not in the manifest")
	}
	return rep, nil
}
