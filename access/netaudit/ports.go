package netaudit

import (
	"fmt"
	"strings"

	"github.com/opskit-dev/opskit/access"
)

// Service is a service whose ports must never be open to the internet:
// each is one check, failing any security group with an ingress rule from
// an open range (see Options.OpenPrefix4) that covers one of its ports.
type Service struct {
	// CheckID is the check's stable ID, e.g. "access.network.sg.open_ssh".
	CheckID string
	// Name names the service in titles and evidence.
	Name string
	// TCP and UDP are the service's ports.
	TCP, UDP []int32
	// Severity is the check's severity.
	Severity access.Severity
	// References are the equivalent checks of other tools.
	References []string
}

func prowler(port int) string {
	return fmt.Sprintf("Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_%d", port)
}

// DefaultServices is the port table Options.Services defaults to: the
// services this SDK runs or touches, and the usual remote-administration
// and unauthenticated-by-default data stores.
func DefaultServices() []Service {
	return []Service{
		{CheckID: "access.network.sg.open_ssh", Name: "SSH", TCP: []int32{22}, Severity: access.SeverityHigh, References: []string{prowler(22)}},
		{CheckID: "access.network.sg.open_rdp", Name: "RDP", TCP: []int32{3389}, UDP: []int32{3389}, Severity: access.SeverityHigh, References: []string{prowler(3389)}},
		{CheckID: "access.network.sg.open_postgres", Name: "PostgreSQL", TCP: []int32{5432}, Severity: access.SeverityHigh,
			References: []string{"Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432"}},
		{CheckID: "access.network.sg.open_amqp", Name: "AMQP (RabbitMQ)", TCP: []int32{5672}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_amqps", Name: "AMQPS (RabbitMQ over TLS)", TCP: []int32{5671}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_rabbitmq_management", Name: "RabbitMQ management", TCP: []int32{15672, 15671}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_erlang_distribution", Name: "Erlang distribution (RabbitMQ clustering)", TCP: []int32{4369, 25672}, Severity: access.SeverityCritical},
		{CheckID: "access.network.sg.open_elasticsearch", Name: "Elasticsearch/OpenSearch", TCP: []int32{9200, 9300}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_docker", Name: "Docker Engine API", TCP: []int32{2375, 2376}, Severity: access.SeverityCritical},
		{CheckID: "access.network.sg.open_swarm", Name: "Docker Swarm (management, gossip, overlay)", TCP: []int32{2377, 7946}, UDP: []int32{7946, 4789}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_redis", Name: "Redis", TCP: []int32{6379}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_memcached", Name: "Memcached", TCP: []int32{11211}, UDP: []int32{11211}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_mongodb", Name: "MongoDB", TCP: []int32{27017, 27018}, Severity: access.SeverityHigh},
		{CheckID: "access.network.sg.open_high_risk", Name: "high-risk service (SMTP, POP3, RPC, IMAP, SMB, dev servers)",
			TCP: []int32{25, 110, 135, 143, 445, 3000, 4333, 5000, 5500, 8080, 8088}, Severity: access.SeverityMedium,
			References: []string{"Prowler ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports"}},
	}
}

// portList is "tcp 22, udp 3389" for titles.
func (s Service) portList() string {
	var parts []string
	for _, p := range s.TCP {
		parts = append(parts, fmt.Sprintf("tcp %d", p))
	}
	for _, p := range s.UDP {
		parts = append(parts, fmt.Sprintf("udp %d", p))
	}
	return strings.Join(parts, ", ")
}

func (s Service) validate(i int) error {
	if s.CheckID == "" || s.Name == "" || len(s.TCP)+len(s.UDP) == 0 {
		return fmt.Errorf("netaudit: Options.Services[%d] %q: needs a CheckID, a Name and at least one port: %w", i, s.CheckID, access.ErrInvalidOption)
	}
	for _, p := range append(append([]int32{}, s.TCP...), s.UDP...) {
		if p < 0 || p > 65535 {
			return fmt.Errorf("netaudit: Options.Services[%d] %q: port %d out of range: %w", i, s.CheckID, p, access.ErrInvalidOption)
		}
	}
	return nil
}
