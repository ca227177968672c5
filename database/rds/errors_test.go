package rds

import (
	"errors"
	"strings"
	"testing"
)

func TestInvalidErrorNamesSpec(t *testing.T) {
	s := InstanceSpec{Identifier: "orders-db", Class: "db.m6g.large", EngineVersion: "15.7", AllocatedStorage: 400, StorageType: "gp3",
		BackupRetentionDays: 7, MasterUsername: "postgres", MasterPassword: "s3cret-password"}
	err := s.Validate()
	var ie *InvalidError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &ie) || ie.Field != "MasterUsername" || ie.Input != `instance spec "orders-db"` {
		t.Fatalf("Validate = %v, want an InvalidError for MasterUsername of instance spec \"orders-db\"", err)
	}
	if !strings.HasPrefix(err.Error(), "rds: ") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("message %q: want the rds prefix and no password", err)
	}
	bad := InstanceSpec{Identifier: "1-not valid"}
	if err := bad.Validate(); !errors.As(err, &ie) || ie.Input != "instance spec" {
		t.Fatalf("Validate of a bad identifier = %v, want Input \"instance spec\" (never quoting it)", err)
	}
}
