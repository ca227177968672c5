//go:build !linux

package journald

import "syscall"

// procAttr has nothing to set where there is no parent-death signal.
func procAttr() *syscall.SysProcAttr { return nil }
