package journald

import "syscall"

// procAttr makes the kernel kill journalctl when the shipper dies, so a
// SIGKILLed shipper leaves no journalctl behind.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
