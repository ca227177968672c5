package certs

import "errors"

var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("certs: invalid input")
	// ErrProbe: the TLS endpoint could not be reached or no handshake
	// completed, so no check could run.
	ErrProbe = errors.New("certs: probe failed")
)
