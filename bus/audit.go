package bus

import (
	"context"

	"github.com/opskit-dev/opskit/internal/audit"
)

// Audit reads the cluster's configuration through the management API and
// runs every bus check against it (today: listeners that accept plaintext
// on non-loopback addresses). A check that cannot read what it needs
// yields a StatusError finding, never a pass.
func Audit(ctx context.Context, m *Management) []Finding {
	return audit.Run(ctx, m, busCheckers...)
}

var busCheckers = []audit.Checker[*Management]{
	{Check: ListenerTLSCheck, Func: func(ctx context.Context, m *Management) ([]Finding, error) {
		ls, err := m.Listeners(ctx)
		if err != nil {
			return nil, err
		}
		return AuditListeners(ls), nil
	}},
}
