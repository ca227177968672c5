package rds

import (
	"errors"
	"testing"
)

func TestValidateStorage(t *testing.T) {
	base := InstanceSpec{Identifier: "db-1", Class: "db.m6g.large", EngineVersion: "16.3", BackupRetentionDays: 7, MasterUsername: "opsadmin", MasterPassword: "long-enough"}
	cases := []struct {
		name       string
		typ        string
		gib, iops  int32
		throughput int32
		field      string // "" means valid
	}{
		{"gp3 baseline", "gp3", 100, 0, 0, ""},
		{"gp3 small with iops", "gp3", 100, 3000, 0, "IOPS"},
		{"gp3 large provisioned", "gp3", 400, 12000, 500, ""},
		{"gp3 large iops too low", "gp3", 400, 11000, 0, "IOPS"},
		{"gp3 large iops too high", "gp3", 1000, 80000, 0, "IOPS"},
		{"gp3 throughput ratio", "gp3", 400, 12000, 3001, "Throughput"},
		{"gp3 too small", "gp3", 10, 0, 0, "AllocatedStorage"},
		{"gp2 iops", "gp2", 100, 1000, 0, "IOPS"},
		{"io1 ok", "io1", 100, 5000, 0, ""},
		{"io1 ratio high", "io1", 100, 5001, 0, "IOPS"},
		{"io1 ratio low", "io1", 4000, 1000, 0, "IOPS"},
		{"io1 iops floor", "io1", 100, 999, 0, "IOPS"},
		{"io1 too small", "io1", 99, 1000, 0, "AllocatedStorage"},
		{"io2 high ratio ok", "io2", 100, 100000, 0, ""},
		{"io2 max", "io2", 300, 256000, 0, ""},
		{"io2 over max", "io2", 300, 256001, 0, "IOPS"},
		{"io1 throughput", "io1", 100, 1000, 200, "Throughput"},
		{"magnetic", "standard", 100, 0, 0, "StorageType"},
	}
	for _, c := range cases {
		s := base
		s.StorageType, s.AllocatedStorage, s.IOPS, s.Throughput = c.typ, c.gib, c.iops, c.throughput
		err := s.Validate()
		var se *InvalidError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v, want valid", c.name, err)
		case c.field != "" && (!errors.As(err, &se) || se.Field != c.field || !errors.Is(err, ErrInvalid)):
			t.Errorf("%s: %v, want an InvalidError for %s", c.name, err, c.field)
		}
	}
}

func TestValidateSpec(t *testing.T) {
	ok := InstanceSpec{Identifier: "db-1", Class: "db.m6g.large", EngineVersion: "16.3", AllocatedStorage: 100, BackupRetentionDays: 7, MasterUsername: "opsadmin", MasterPassword: "long-enough"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, mutate := range map[string]func(*InstanceSpec){
		"Identifier":          func(s *InstanceSpec) { s.Identifier = "1db" },
		"Class":               func(s *InstanceSpec) { s.Class = "" },
		"BackupRetentionDays": func(s *InstanceSpec) { s.BackupRetentionDays = 36 },
		"MasterUsername":      func(s *InstanceSpec) { s.MasterUsername = "admin" },
		"MasterPassword":      func(s *InstanceSpec) { s.MasterPassword = "short" },
		"LogExports":          func(s *InstanceSpec) { s.LogExports = []string{"audit"} },
		"EngineVersion":       func(s *InstanceSpec) { s.EngineVersion = "" },
		"ParameterGroup":      func(s *InstanceSpec) { s.ParameterGroup = HardeningParameterGroup("pg", "postgres15") },
		"Port":                func(s *InstanceSpec) { s.Port = 80 },
		"MonitoringInterval": func(s *InstanceSpec) {
			s.MonitoringInterval, s.MonitoringRoleArn = 7, "arn:aws:iam::123456789012:role/em"
		},
		"MonitoringRoleArn": func(s *InstanceSpec) { s.MonitoringInterval = 60 },
	} {
		s := ok
		mutate(&s)
		var se *InvalidError
		if err := s.Validate(); !errors.As(err, &se) || se.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	for _, role := range []string{"", "role/em", "arn:aws:iam::12345:role/em", "arn:aws:s3:::bucket"} {
		s := ok
		s.MonitoringInterval, s.MonitoringRoleArn = 60, role
		if err := s.Validate(); err == nil {
			t.Errorf("monitoring role %q accepted", role)
		}
	}
	roleOnly := ok
	roleOnly.MonitoringRoleArn = "arn:aws:iam::123456789012:role/em"
	if err := roleOnly.Validate(); err == nil {
		t.Error("a monitoring role without an interval accepted")
	}
	monitored := ok
	monitored.Port, monitored.MonitoringInterval, monitored.MonitoringRoleArn = 5433, 60, "arn:aws:iam::123456789012:role/rds-monitoring-role"
	if err := monitored.Validate(); err != nil {
		t.Errorf("port 5433 with monitoring every 60s: %v", err)
	}
	noBackups := ok
	noBackups.BackupRetentionDays, noBackups.AllowNoBackups = 0, true
	if err := noBackups.Validate(); err != nil {
		t.Errorf("explicit no backups: %v", err)
	}
}

// TestParameterGroupFamily: the family RDS requires for each version, and
// the default group's name and family follow EngineVersion.
func TestParameterGroupFamily(t *testing.T) {
	for v, want := range map[string]string{"16.3": "postgres16", "15.7": "postgres15", "10.21": "postgres10", "9.6.24": "postgres9.6", "17": "postgres17"} {
		if got, err := ParameterGroupFamily(v); err != nil || got != want {
			t.Errorf("ParameterGroupFamily(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
	for _, v := range []string{"", "x", "16.x", "9", "-1"} {
		if _, err := ParameterGroupFamily(v); err == nil {
			t.Errorf("ParameterGroupFamily(%q) accepted", v)
		}
	}
	s := InstanceSpec{Identifier: "db-1", EngineVersion: "16.3"}
	s.defaults()
	if s.ParameterGroup.Family != "postgres16" || s.ParameterGroup.Name != "db-1-hardened-postgres16" {
		t.Fatalf("default parameter group for 16.3: %s (%s)", s.ParameterGroup.Name, s.ParameterGroup.Family)
	}
	if got := DefaultParameterGroupName("db-1", "postgres9.6"); got != "db-1-hardened-postgres9-6" {
		t.Fatalf("group name for postgres9.6: %s", got)
	}
	// Without a version there is no family to choose; with an explicit
	// group the spec is valid and RDS's default version is used.
	given := InstanceSpec{Identifier: "db-1", Class: "db.m6g.large", AllocatedStorage: 100, BackupRetentionDays: 7, MasterUsername: "opsadmin", MasterPassword: "long-enough",
		ParameterGroup: HardeningParameterGroup("pg", "postgres17")}
	if err := given.Validate(); err != nil {
		t.Fatalf("explicit group without EngineVersion: %v", err)
	}
}
