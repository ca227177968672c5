package main

import "time"

// config is one service's infrastructure, as the YAML file describes it.
// Every section is optional; what a section describes is planned, applied
// and destroyed together.
type config struct {
	// Service names the service; it prefixes nothing, it is for output.
	Service        string            `yaml:"service"`
	Network        networkConfig     `yaml:"network"`
	SecurityGroups []sgConfig        `yaml:"security_groups"`
	LoadBalancer   *lbConfig         `yaml:"load_balancer"`
	AutoScaling    *asgConfig        `yaml:"autoscaling"`
	Database       *dbConfig         `yaml:"database"`
	RabbitMQ       *rabbitConfig     `yaml:"rabbitmq"`
	Swarm          *swarmConfig      `yaml:"swarm"`
	Tags           map[string]string `yaml:"tags"`
}

// networkConfig says where the resources go: a VPC ("default": the
// account's default VPC) and its subnets (empty: every subnet of the VPC).
type networkConfig struct {
	VPC     string   `yaml:"vpc"`
	Subnets []string `yaml:"subnets"`
}

type sgConfig struct {
	Name        string          `yaml:"name"`
	Description string          `yaml:"description"`
	Ingress     []ingressConfig `yaml:"ingress"`
}

// ingressConfig allows one protocol and port range from CIDR blocks or
// from other groups of the file (by name).
type ingressConfig struct {
	Protocol   string   `yaml:"protocol"`
	Port       int32    `yaml:"port"`
	ToPort     int32    `yaml:"to_port"`
	CIDRs      []string `yaml:"cidrs"`
	FromGroups []string `yaml:"from_groups"`
}

type lbConfig struct {
	Name           string           `yaml:"name"`
	Type           string           `yaml:"type"`
	Internal       bool             `yaml:"internal"`
	SecurityGroups []string         `yaml:"security_groups"`
	TargetGroups   []tgConfig       `yaml:"target_groups"`
	Listeners      []listenerConfig `yaml:"listeners"`
}

type tgConfig struct {
	Name            string `yaml:"name"`
	Protocol        string `yaml:"protocol"`
	Port            int    `yaml:"port"`
	HealthCheckPath string `yaml:"health_check_path"`
}

type listenerConfig struct {
	Protocol string       `yaml:"protocol"`
	Port     int          `yaml:"port"`
	Default  string       `yaml:"default"`
	Rules    []ruleConfig `yaml:"rules"`
}

// ruleConfig forwards requests whose path matches one of Paths (and whose
// host matches one of Hosts, when given) to a target group.
type ruleConfig struct {
	Paths   []string `yaml:"paths"`
	Hosts   []string `yaml:"hosts"`
	Forward string   `yaml:"forward"`
}

type asgConfig struct {
	Name           string         `yaml:"name"`
	LaunchTemplate ltConfig       `yaml:"launch_template"`
	Min            int            `yaml:"min"`
	Max            int            `yaml:"max"`
	Desired        int            `yaml:"desired"`
	HealthCheck    string         `yaml:"health_check"`
	GracePeriod    time.Duration  `yaml:"grace_period"`
	WarmUp         time.Duration  `yaml:"warm_up"`
	TargetGroups   []string       `yaml:"target_groups"`
	Policies       []policyConfig `yaml:"policies"`
}

type ltConfig struct {
	Name           string          `yaml:"name"`
	Image          string          `yaml:"image"`
	InstanceType   string          `yaml:"instance_type"`
	SecurityGroups []string        `yaml:"security_groups"`
	Access         *ltAccessConfig `yaml:"access"`

	// firstBoot is Access rendered, by check.
	firstBoot *firstBoot
}

// ltAccessConfig puts a team's SSH access into the launch template's user
// data, so instances boot with the keys in place: the grants of the team
// file's HostGroups, rendered as cloud-init user data by access.UserData.
type ltAccessConfig struct {
	// TeamFile is the access team file, relative to the configuration file.
	TeamFile   string   `yaml:"team_file"`
	HostGroups []string `yaml:"host_groups"`
}

// policyConfig is one target-tracking policy run by AWS: exactly one of
// CPU (average percent per instance), NetworkIn or NetworkOut (average
// bytes a second per instance).
type policyConfig struct {
	CPU        float64 `yaml:"cpu"`
	NetworkIn  float64 `yaml:"network_in"`
	NetworkOut float64 `yaml:"network_out"`
}

type dbConfig struct {
	Identifier     string            `yaml:"identifier"`
	Class          string            `yaml:"class"`
	EngineVersion  string            `yaml:"engine_version"`
	MultiAZ        bool              `yaml:"multi_az"`
	Storage        storageConfig     `yaml:"storage"`
	BackupDays     int32             `yaml:"backup_days"`
	MasterUsername string            `yaml:"master_username"`
	PasswordSecret string            `yaml:"password_secret"`
	SecurityGroups []string          `yaml:"security_groups"`
	ParameterGroup string            `yaml:"parameter_group"`
	Parameters     map[string]string `yaml:"parameters"`
	Replica        *replicaConfig    `yaml:"replica"`
}

type storageConfig struct {
	Type   string `yaml:"type"`
	SizeGB int32  `yaml:"size_gb"`
	IOPS   int32  `yaml:"iops"`
}

type replicaConfig struct {
	Identifier string `yaml:"identifier"`
	Class      string `yaml:"class"`
}

type rabbitConfig struct {
	Exchanges    []exchangeConfig `yaml:"exchanges"`
	Queues       []queueConfig    `yaml:"queues"`
	Bindings     []bindingConfig  `yaml:"bindings"`
	WorkerQueues []workersConfig  `yaml:"worker_queues"`
}

type exchangeConfig struct {
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
}

type queueConfig struct {
	Name               string `yaml:"name"`
	Type               string `yaml:"type"`
	DeadLetterExchange string `yaml:"dead_letter_exchange"`
	DeliveryLimit      int    `yaml:"delivery_limit"`
	MaxLength          int    `yaml:"max_length"`
}

type bindingConfig struct {
	From       string `yaml:"from"`
	To         string `yaml:"to"`
	ToExchange bool   `yaml:"to_exchange"`
	Key        string `yaml:"key"`
}

// workersConfig is Count quorum queues NAME.0 … behind a consistent-hash
// exchange NAME, fed from the exchange From with routing key Key.
type workersConfig struct {
	Name          string `yaml:"name"`
	Count         int    `yaml:"count"`
	DeliveryLimit int    `yaml:"delivery_limit"`
	From          string `yaml:"from"`
	Key           string `yaml:"key"`
}

type swarmConfig struct {
	Secrets  []swarmSecretConfig  `yaml:"secrets"`
	Services []swarmServiceConfig `yaml:"services"`
}

// swarmSecretConfig is a swarm secret: the database password (From:
// database) or a generated random value (From: generate).
type swarmSecretConfig struct {
	Name string `yaml:"name"`
	From string `yaml:"from"`
}

type swarmServiceConfig struct {
	Name     string            `yaml:"name"`
	Image    string            `yaml:"image"`
	Args     []string          `yaml:"args"`
	Replicas uint64            `yaml:"replicas"`
	Env      map[string]string `yaml:"env"`
	Secrets  []string          `yaml:"secrets"`
}
