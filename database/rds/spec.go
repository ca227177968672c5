package rds

import (
	"regexp"
	"slices"
)

// InstanceSpec is the desired PostgreSQL instance.
type InstanceSpec struct {
	Identifier string
	Class      string // e.g. db.m6g.large
	// EngineVersion is the PostgreSQL version, e.g. 16.3. Empty takes
	// RDS's default version; then ParameterGroup must be given, since its
	// family has to match a version the spec does not name.
	EngineVersion string
	// AllowMajorVersionUpgrade lets Apply move an existing instance to a
	// higher major EngineVersion (it is sent with the change, as RDS
	// requires). Without it such a change is reported in the plan and
	// not applied. Check the extensions and the parameter group first.
	AllowMajorVersionUpgrade bool
	// AllocatedStorage in GiB; StorageType gp3 (default), io1, io2 or gp2.
	AllocatedStorage int32
	StorageType      string
	// IOPS and Throughput (MiB/s, gp3 only): zero means the storage's baseline.
	IOPS, Throughput int32
	MultiAZ          bool
	// Unencrypted turns storage encryption off; encryption is the default
	// and cannot be enabled later without a snapshot copy and restore.
	Unencrypted bool
	KMSKeyID    string
	// BackupRetentionDays is 1 to 35 (0 disables automated backups and is
	// refused unless AllowNoBackups).
	BackupRetentionDays int32
	AllowNoBackups      bool
	DeletionProtection  bool
	IAMAuth             bool
	// LogExports are CloudWatch Logs exports: "postgresql", "upgrade".
	LogExports []string
	// MasterUsername must not be a default admin name (postgres, admin);
	// ManageMasterPassword keeps the password in Secrets Manager, or
	// MasterPassword is used (never logged or returned).
	MasterUsername       string
	ManageMasterPassword bool
	MasterPassword       string
	// ParameterGroup holds the hardening settings; its family must match
	// EngineVersion (ParameterGroupFamily). nil uses
	// HardeningParameterGroup(DefaultParameterGroupName(Identifier, f), f)
	// with f the family of EngineVersion.
	ParameterGroup *ParameterGroupSpec
	// PubliclyAccessible defaults to false.
	PubliclyAccessible bool
	// Port is the port the instance listens on, 1150-65535. Zero means
	// 5432, PostgreSQL's well-known port, which the audit flags
	// (database.rds.non_default_port); RDS restarts the instance to
	// change it.
	Port int32
	// MonitoringInterval turns on Enhanced Monitoring (OS metrics every
	// 1, 5, 10, 15, 30 or 60 seconds, into CloudWatch Logs); 0 leaves it
	// off, which the audit flags (database.rds.enhanced_monitoring_enabled).
	// MonitoringRoleArn is the IAM role RDS publishes the metrics with
	// (one with the AmazonRDSEnhancedMonitoringRole policy), required
	// with an interval and refused without one.
	MonitoringInterval int32
	MonitoringRoleArn  string
	SubnetGroup        string
	SecurityGroupIDs   []string
	Tags               map[string]string
}

// ParameterGroupSpec is a DB parameter group and the parameters it sets.
type ParameterGroupSpec struct {
	Name, Family, Description string
	Parameters                map[string]string
}

// HardeningParameterGroup is a parameter group with the settings the
// database audit checks for, as RDS names them.
func HardeningParameterGroup(name, family string) *ParameterGroupSpec {
	return &ParameterGroupSpec{Name: name, Family: family, Description: "opskit hardening settings", Parameters: map[string]string{
		"rds.force_ssl":              "1",
		"ssl_min_protocol_version":   "TLSv1.2",
		"password_encryption":        "scram-sha-256",
		"log_connections":            "1",
		"log_disconnections":         "1",
		"log_statement":              "ddl",
		"log_min_duration_statement": "1000",
		"log_min_error_statement":    "error",
		"shared_preload_libraries":   "pg_stat_statements",
	}}
}

var identRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,62}$`)

// roleARNRE matches an IAM role ARN in any partition.
var roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)

func (s *InstanceSpec) defaults() {
	if s.StorageType == "" {
		s.StorageType = "gp3"
	}
	if s.ParameterGroup == nil && s.EngineVersion != "" {
		if f, err := ParameterGroupFamily(s.EngineVersion); err == nil {
			s.ParameterGroup = HardeningParameterGroup(DefaultParameterGroupName(s.Identifier, f), f)
		}
	}
	if s.Port == 0 {
		s.Port = 5432
	}
}

// Validate checks the spec against RDS's rules for PostgreSQL.
func (s InstanceSpec) Validate() error {
	s.defaults()
	bad := func(f, why string, args ...any) error {
		return invalid(specInput("instance spec", s.Identifier), f, why, args...)
	}
	switch {
	case !identRE.MatchString(s.Identifier) || s.Identifier[len(s.Identifier)-1] == '-' || regexp.MustCompile("--").MatchString(s.Identifier):
		return bad("Identifier", "1-63 letters, digits or hyphens, starting with a letter, no trailing or double hyphen")
	case s.Class == "":
		return bad("Class", "required (e.g. db.m6g.large)")
	case s.BackupRetentionDays < 0 || s.BackupRetentionDays > 35:
		return bad("BackupRetentionDays", "%d is outside 0-35", s.BackupRetentionDays)
	case s.BackupRetentionDays == 0 && !s.AllowNoBackups:
		return bad("BackupRetentionDays", "0 disables automated backups; set AllowNoBackups to mean it")
	case s.MasterUsername == "" || slices.Contains([]string{"postgres", "admin", "root", "rdsadmin"}, s.MasterUsername):
		return bad("MasterUsername", "required and not a default admin name (postgres, admin)")
	case !s.ManageMasterPassword && len(s.MasterPassword) < 8:
		return bad("MasterPassword", "at least 8 characters, or set ManageMasterPassword")
	case s.ManageMasterPassword && s.MasterPassword != "":
		return bad("MasterPassword", "must be empty when ManageMasterPassword is set")
	}
	if err := validateVersion(s); err != nil {
		return err
	}
	if s.ParameterGroup.Name == "" || s.ParameterGroup.Family == "" {
		return bad("ParameterGroup", "name and family are required")
	}
	for _, l := range s.LogExports {
		if l != "postgresql" && l != "upgrade" {
			return bad("LogExports", "%q is not a PostgreSQL log type (postgresql, upgrade)", l)
		}
	}
	if err := validatePortMonitoring(specInput("instance spec", s.Identifier), s.Port, s.MonitoringInterval, s.MonitoringRoleArn); err != nil {
		return err
	}
	return validateStorage(s)
}

// validatePortMonitoring checks a port (0 is taken as unset) and the
// Enhanced Monitoring interval and role, for instances and replicas.
func validatePortMonitoring(input string, port, interval int32, role string) error {
	switch {
	case port != 0 && (port < 1150 || port > 65535):
		return invalid(input, "Port", "%d is outside 1150-65535, the ports RDS for PostgreSQL accepts", port)
	case !slices.Contains([]int32{0, 1, 5, 10, 15, 30, 60}, interval):
		return invalid(input, "MonitoringInterval", "%d is not 0, 1, 5, 10, 15, 30 or 60 seconds", interval)
	case interval > 0 && !roleARNRE.MatchString(role):
		return invalid(input, "MonitoringRoleArn", "an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME) is required with a MonitoringInterval")
	case interval == 0 && role != "":
		return invalid(input, "MonitoringRoleArn", "set only with a MonitoringInterval (1-60 seconds)")
	}
	return nil
}

// validateVersion checks EngineVersion and that the parameter group's
// family matches it (RDS refuses a group of another family).
func validateVersion(s InstanceSpec) error {
	if s.EngineVersion == "" {
		if s.ParameterGroup == nil {
			return invalid(specInput("instance spec", s.Identifier), "EngineVersion", "required to choose the parameter group family, unless ParameterGroup is given")
		}
		return nil
	}
	want, err := ParameterGroupFamily(s.EngineVersion)
	if err != nil {
		return invalid(specInput("instance spec", s.Identifier), "EngineVersion", "%q is not a PostgreSQL version such as 16.3", s.EngineVersion)
	}
	if s.ParameterGroup != nil && s.ParameterGroup.Family != "" && s.ParameterGroup.Family != want {
		return invalid(specInput("instance spec", s.Identifier), "ParameterGroup", "family %s does not match EngineVersion %s, which needs %s", s.ParameterGroup.Family, s.EngineVersion, want)
	}
	return nil
}

// validateStorage applies the RDS for PostgreSQL storage rules.
func validateStorage(s InstanceSpec) error {
	bad := func(f, why string, args ...any) error {
		return invalid(specInput("instance spec", s.Identifier), f, why, args...)
	}
	gib, iops := s.AllocatedStorage, s.IOPS
	switch s.StorageType {
	case "gp2":
		if gib < 20 || gib > 65536 {
			return bad("AllocatedStorage", "gp2 takes 20-65536 GiB, not %d", gib)
		}
		if iops != 0 || s.Throughput != 0 {
			return bad("IOPS", "gp2 IOPS scale with size and cannot be provisioned")
		}
	case "gp3":
		if gib < 20 || gib > 65536 {
			return bad("AllocatedStorage", "gp3 takes 20-65536 GiB, not %d", gib)
		}
		if gib < 400 {
			if iops != 0 || s.Throughput != 0 {
				return bad("IOPS", "gp3 below 400 GiB has a fixed baseline of 3,000 IOPS and 125 MiB/s; provisioning needs 400 GiB or more")
			}
			return nil
		}
		if iops != 0 && (iops < 12000 || iops > 64000) {
			return bad("IOPS", "gp3 at 400 GiB or more takes 12,000-64,000 IOPS, not %d", iops)
		}
		if s.Throughput != 0 && (s.Throughput < 500 || s.Throughput > 4000) {
			return bad("Throughput", "gp3 at 400 GiB or more takes 500-4,000 MiB/s, not %d", s.Throughput)
		}
		if iops != 0 && s.Throughput != 0 && float64(s.Throughput)/float64(iops) > 0.25 {
			return bad("Throughput", "at most 0.25 MiB/s per provisioned IOPS (%d IOPS allow %d MiB/s)", iops, iops/4)
		}
	case "io1", "io2":
		maxRatio := 50.0
		if s.StorageType == "io2" {
			maxRatio = 1000
		}
		if gib < 100 || gib > 65536 {
			return bad("AllocatedStorage", "%s takes 100-65536 GiB, not %d", s.StorageType, gib)
		}
		if iops < 1000 || iops > 256000 {
			return bad("IOPS", "%s takes 1,000-256,000 IOPS, not %d", s.StorageType, iops)
		}
		if r := float64(iops) / float64(gib); r < 0.5 || r > maxRatio {
			return bad("IOPS", "%s needs 0.5-%g IOPS per GiB; %d IOPS on %d GiB is %.1f", s.StorageType, maxRatio, iops, gib, r)
		}
		if s.Throughput != 0 {
			return bad("Throughput", "only gp3 takes a throughput")
		}
	default:
		return bad("StorageType", "%q is not gp2, gp3, io1 or io2 (magnetic storage is not offered)", s.StorageType)
	}
	return nil
}

// ReplicaSpec is a read replica of an existing instance, possibly in
// another region (give the source's ARN and a client for the replica's
// region).
type ReplicaSpec struct {
	Identifier string
	// Source is the source instance's identifier (same region) or ARN.
	Source string
	// SourceRegion is the source's region for a cross-region replica; the
	// SDK uses it to presign the request.
	SourceRegion string
	Class        string
	MultiAZ      bool
	KMSKeyID     string // required for an encrypted cross-region replica
	IAMAuth      bool
	LogExports   []string
	// DeletionProtection and ParameterGroup as for an instance (the
	// parameter group must exist in the replica's region).
	DeletionProtection bool
	ParameterGroup     *ParameterGroupSpec
	// Port is 0 to inherit the source's port, as RDS does, or a port
	// 1150-65535; MonitoringInterval and MonitoringRoleArn as for an
	// instance.
	Port               int32
	MonitoringInterval int32
	MonitoringRoleArn  string
	Tags               map[string]string
}
