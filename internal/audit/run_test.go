package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type host struct{ permitRoot bool }

func rootChecker() Checker[host] {
	return Checker[host]{Check: checkRoot, Func: func(_ context.Context, h host) ([]Finding, error) {
		if h.permitRoot {
			return []Finding{checkRoot.Fail("host db1:22", "permitrootlogin yes")}, nil
		}
		return []Finding{checkRoot.Pass("host db1:22")}, nil
	}}
}

func TestRunMisconfiguredAndFixed(t *testing.T) {
	ctx := context.Background()
	if got := Run(ctx, host{permitRoot: true}, rootChecker()); len(got) != 1 || got[0].Status != StatusFail {
		t.Errorf("misconfigured: %+v; want one failure", got)
	}
	if got := Run(ctx, host{}, rootChecker()); len(got) != 1 || got[0].Status != StatusPass {
		t.Errorf("fixed: %+v; want one pass", got)
	}
}

func TestRunNeverDropsAFailedCheck(t *testing.T) {
	ctx := context.Background()
	meta := func(id string) Check { return Check{ID: id, Title: "t " + id, Severity: SeverityMedium} }
	tests := []struct {
		name     string
		checker  Checker[host]
		wantErr  string
		wantSize int // findings produced, including the error one
	}{
		{"returns error", Checker[host]{Check: meta("x.err"), Func: func(context.Context, host) ([]Finding, error) {
			return nil, errors.New("connection refused")
		}}, "connection refused", 1},
		{"partial then error", Checker[host]{Check: meta("x.partial"), Func: func(context.Context, host) ([]Finding, error) {
			return []Finding{{Status: StatusPass, Resource: "a"}}, errors.New("lost connection after a")
		}}, "lost connection after a", 2},
		{"panics", Checker[host]{Check: meta("x.panic"), Func: func(context.Context, host) ([]Finding, error) {
			panic("index out of range")
		}}, "check panicked: index out of range", 1},
		{"nil func", Checker[host]{Check: meta("x.nil")}, "has no Func", 1},
		{"invalid id", Checker[host]{Check: meta("NoDots"), Func: rootChecker().Func}, `check id "NoDots"`, 1},
		{"no severity", Checker[host]{Check: Check{ID: "x.sev", Title: "t"}, Func: rootChecker().Func}, "severity(0)", 1},
		{"invalid status", Checker[host]{Check: meta("x.status"), Func: func(context.Context, host) ([]Finding, error) {
			return []Finding{{Resource: "r"}}, nil
		}}, "invalid status(0)", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Run(ctx, host{}, tt.checker)
			if len(got) != tt.wantSize {
				t.Fatalf("Run produced %d findings %+v; want %d", len(got), got, tt.wantSize)
			}
			last := got[len(got)-1]
			if last.Status != StatusError || !strings.Contains(last.Error, tt.wantErr) || last.CheckID != tt.checker.ID {
				t.Errorf("last finding = %+v; want status error for %s mentioning %q", last, tt.checker.ID, tt.wantErr)
			}
		})
	}
}

func TestRunFillsFromCheckAndKeepsOrder(t *testing.T) {
	c := Checker[host]{Check: checkTrust, Func: func(context.Context, host) ([]Finding, error) {
		return []Finding{{Status: StatusFail, Resource: "pg_hba.conf:3"}, {Status: StatusError}}, nil
	}}
	dup := Checker[host]{Check: checkTrust, Func: c.Func}
	got := Run(context.Background(), host{}, rootChecker(), c, dup)
	if len(got) != 4 {
		t.Fatalf("got %d findings: %+v", len(got), got)
	}
	f := got[1]
	if f.CheckID != checkTrust.ID || f.Title != checkTrust.Title || f.Severity != SeverityCritical || f.Remediation != checkTrust.Remediation || len(f.References) != 2 {
		t.Errorf("finding not completed from the check: %+v", f)
	}
	if got[2].Error != "unknown error" {
		t.Errorf("error finding without message: Error = %q; want %q", got[2].Error, "unknown error")
	}
	if got[3].Status != StatusError || !strings.Contains(got[3].Error, "duplicate check id") {
		t.Errorf("duplicate check: %+v; want an error finding", got[3])
	}
}

func TestRunStopsOnCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ran []string
	first := Checker[host]{Check: Check{ID: "x.first", Title: "t", Severity: SeverityLow}, Func: func(context.Context, host) ([]Finding, error) {
		ran = append(ran, "first")
		cancel()
		return nil, nil
	}}
	second := Checker[host]{Check: Check{ID: "x.second", Title: "t", Severity: SeverityHigh}, Func: func(context.Context, host) ([]Finding, error) {
		ran = append(ran, "second")
		return nil, nil
	}}
	got := Run(ctx, host{}, first, second)
	if strings.Join(ran, ",") != "first" {
		t.Errorf("ran %v; want only first", ran)
	}
	if len(got) != 1 || got[0].CheckID != "x.second" || got[0].Status != StatusError || !strings.Contains(got[0].Error, "context canceled") {
		t.Errorf("findings = %+v; want one error finding for the skipped check", got)
	}
	if r := (&Report{Findings: got}); r.ExitCode(SeverityCritical) != ExitOK || r.ExitCode(SeverityHigh) != ExitCheckErrors {
		t.Error("the skipped check's error finding should gate at its own severity")
	}
}

func TestCheckValidate(t *testing.T) {
	for _, id := range []string{"database.pg_hba.trust", "a.b", "aws.ec2.sg_22_open"} {
		if err := (Check{ID: id, Title: "t", Severity: SeverityLow}).Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", "database", "Database.x", "database..x", "database.x.", "9db.x", "db.x-y", "db.x y"} {
		err := (Check{ID: id, Title: "t", Severity: SeverityLow}).Validate()
		if !errors.Is(err, ErrInvalidCheck) {
			t.Errorf("Validate(%q) = %v; want ErrInvalidCheck", id, err)
		}
	}
}
