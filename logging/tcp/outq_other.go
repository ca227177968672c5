//go:build !linux

package tcp

import "net"

// unsent is not available here: delivery is not awaited.
func unsent(net.Conn) (int, bool) { return 0, false }
