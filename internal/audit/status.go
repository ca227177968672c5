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
	// StatusNotApplicable means the check does not apply to this target
	// (a file check on a managed database with no file system, say);
	// Finding.Reason says why. It never fails a run.
	StatusNotApplicable
)

var statusEnum = enum[Status]{
	kind:  "status",
	names: []string{StatusPass: "pass", StatusFail: "fail", StatusError: "error", StatusWaived: "waived", StatusNotApplicable: "n/a"},
	order: Statuses(),
}

// Statuses returns every valid status in declaration order.
func Statuses() []Status {
	return []Status{StatusPass, StatusFail, StatusError, StatusWaived, StatusNotApplicable}
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool { return statusEnum.valid(s) }

// String returns the lowercase name ("pass", "fail", "error", "waived",
// "n/a"), or "status(N)"
// for an invalid value.
func (s Status) String() string { return statusEnum.String(s) }

// ParseStatus parses a status name, ignoring case and surrounding space.
// Any value other than "pass", "fail", "error", "waived" or "n/a" yields a
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
