package certs

import (
	"context"
	"crypto/tls"
	"slices"
)

// oldVersions are the protocol versions the protocol check fails on.
var oldVersions = []uint16{tls.VersionTLS10, tls.VersionTLS11}

// probeOld offers each old protocol version alone and records those the
// server accepts.
func (t *probeTarget) probeOld(ctx context.Context) error {
	for _, v := range oldVersions {
		_, ok, err := t.accepted(ctx, &tls.Config{MinVersion: v, MaxVersion: v, CipherSuites: allSuites()})
		if err != nil {
			return err
		}
		if ok {
			t.oldVersion = append(t.oldVersion, tls.VersionName(v))
		}
	}
	return nil
}

// weakSuites are the TLS 1.2 and older cipher suites the cipher check
// fails on: those Go lists as insecure (RC4, 3DES, CBC with SHA-256, NULL)
// and those without forward secrecy (RSA key exchange). TLS 1.3 suites
// are all strong.
func weakSuites() []uint16 {
	var out []uint16
	for _, s := range tls.InsecureCipherSuites() {
		out = append(out, s.ID)
	}
	for _, s := range tls.CipherSuites() {
		if noForwardSecrecy(s.ID) {
			out = append(out, s.ID)
		}
	}
	return out
}

func noForwardSecrecy(id uint16) bool {
	switch id {
	case tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA256, tls.TLS_RSA_WITH_RC4_128_SHA,
		tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA:
		return true
	}
	return false
}

func allSuites() []uint16 {
	var out []uint16
	for _, s := range tls.CipherSuites() {
		out = append(out, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		out = append(out, s.ID)
	}
	return out
}

// probeWeak offers only weak suites, at TLS 1.2 and below, and each time
// the server picks one, offers the rest again, so every weak suite the
// server accepts is listed (one handshake per accepted suite, plus one).
func (t *probeTarget) probeWeak(ctx context.Context) error {
	offer := weakSuites()
	for len(offer) > 0 {
		st, ok, err := t.accepted(ctx, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12, CipherSuites: offer})
		if err != nil {
			return err
		}
		if !ok || !slices.Contains(offer, st.CipherSuite) {
			return nil
		}
		t.weakSuites = append(t.weakSuites, tls.CipherSuiteName(st.CipherSuite))
		offer = slices.DeleteFunc(offer, func(id uint16) bool { return id == st.CipherSuite })
	}
	return nil
}
