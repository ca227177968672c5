// Package tlsconf is the one TLS configuration shape every opskit package
// that dials takes: a CA bundle, a client certificate and key, a server
// name and a minimum version, from files, from PEM bytes or on top of a
// *tls.Config the caller already has.
//
// Verification is on by default. The only way to turn it off is the
// loudly named [Config.InsecureSkipVerifyDangerous]; a Base config with
// InsecureSkipVerify set is refused, so an old *tls.Config cannot turn
// verification off by accident.
//
// [Classify] turns the x509 and TLS alert errors a handshake fails with
// into a [*CertificateError] that names the endpoint and the certificate's
// subject and says why it was refused (expired, wrong name, unknown
// authority, or refused by the peer).
//
// Packages that dial re-export [Config] and [CertificateError] by type
// alias (bus.TLSConfig, database.TLSConfig, bulk.TLSConfig), so users never
// import this package.
package tlsconf
