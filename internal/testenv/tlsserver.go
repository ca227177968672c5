package testenv

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// TLSPreamble says what a TLSServer expects before the TLS handshake.
type TLSPreamble int

// Preambles.
const (
	// PreambleNone: TLS from the first byte (AMQPS, HTTPS).
	PreambleNone TLSPreamble = iota
	// PreamblePostgres: the client's 8-byte SSLRequest, answered with 'S'.
	PreamblePostgres
)

// TLSServer listens on 127.0.0.1, completes the TLS handshake with cert
// (after the preamble), then closes the connection: a stand-in server for
// refusal tests whose certificate the real services cannot present (an
// expired one). It returns the address; the listener closes with t.
func TLSServer(t testing.TB, cert tls.Certificate, preamble TLSPreamble) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				if preamble == PreamblePostgres {
					buf := make([]byte, 8)
					if _, err := io.ReadFull(c, buf); err != nil {
						return
					}
					if _, err := c.Write([]byte{'S'}); err != nil {
						return
					}
				}
				tc := tls.Server(c, cfg)
				if err := tc.Handshake(); err != nil && !errors.Is(err, io.EOF) {
					return
				}
			}()
		}
	}()
	return ln.Addr().String()
}
