package audit

// Status is the outcome of one check on one resource.
//
// The zero Status is not valid: [Run] turns a finding returned without a
// status into a [StatusError] finding, and marshalling it fails.
type Status int

// The statuses a finding can have.
const (
	// StatusPass means the resource satisfies the check.
	StatusPass Status = iota + 1
	// StatusFail means the resource violates the check.
	StatusFail
	// StatusError means the check could not decide; Finding.Error says why.
	StatusError
	// StatusWaived means the resource violates the check but an unexpired
	// waiver accepts it; Finding.Waiver records which.
	StatusWaived
)

var statusEnum = enum[Status]{
	kind:  "status",
	names: []string{StatusPass: "pass", StatusFail: "fail", StatusError: "error", StatusWaived: "waived"},
	order: Statuses(),
}

// Statuses returns every valid status in declaration order.
func Statuses() []Status {
	return []Status{StatusPass, StatusFail, StatusError, StatusWaived}
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool { return statusEnum.valid(s) }

// String returns the lowercase name ("pass", "fail", ...), or "status(N)"
// for an invalid value.
func (s Status) String() string { return statusEnum.String(s) }

// ParseStatus parses a status name, ignoring case and surrounding space.
// Any value other than "pass", "fail", "error" or "waived" yields a
// *[ParseError] naming it.
func ParseStatus(name string) (Status, error) {
	return statusEnum.parse(name)
}

// MarshalText implements encoding.TextMarshaler. It fails for an invalid
// status.
func (s Status) MarshalText() ([]byte, error) { return statusEnum.marshal(s) }

// UnmarshalText implements encoding.TextUnmarshaler using [ParseStatus].
func (s *Status) UnmarshalText(text []byte) error {
	return statusEnum.unmarshal(s, text, ParseStatus)
}
