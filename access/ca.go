package access

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// ErrCertRequest means a certificate request is invalid; it matches
// ErrInvalid.
var ErrCertRequest = invalid("access: invalid certificate request")

// CA is an SSH certificate authority for short-lived user certificates.
// Hosts trust it through OpTrustCA and decide who may log in as whom through
// principals files (OpSetPrincipals); emergencies are handled by a revoked
// keys list (RevocationList, OpSetRevokedKeys). It is safe for concurrent
// use.
type CA struct {
	signer ssh.Signer
	opts   CAOptions
}

// CAOptions configures a CA.
type CAOptions struct {
	// DefaultTTL is the validity of a certificate whose request sets none;
	// default 8 hours, or MaxTTL when that is shorter.
	DefaultTTL time.Duration
	// MaxTTL caps every certificate; default 24 hours.
	MaxTTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// NewCA returns a CA that signs with signer.
func NewCA(signer ssh.Signer, opts CAOptions) (*CA, error) {
	if signer == nil {
		return nil, &InvalidError{Input: "NewCA", Field: "signer", Reason: "nil", Err: ErrInvalidOption}
	}
	if _, ok := signer.PublicKey().(*ssh.Certificate); ok {
		return nil, &InvalidError{Input: "NewCA", Field: "signer", Reason: "a certificate cannot be a CA key", Err: ErrInvalidOption}
	}
	if opts.MaxTTL == 0 {
		opts.MaxTTL = 24 * time.Hour
	}
	if opts.DefaultTTL == 0 {
		opts.DefaultTTL = min(8*time.Hour, opts.MaxTTL)
	}
	if opts.DefaultTTL < 0 || opts.MaxTTL < 0 || opts.DefaultTTL > opts.MaxTTL {
		return nil, &InvalidError{Input: "CAOptions", Field: "DefaultTTL, MaxTTL", Reason: fmt.Sprintf("%v, %v: want 0 <= DefaultTTL <= MaxTTL", opts.DefaultTTL, opts.MaxTTL), Err: ErrInvalidOption}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &CA{signer: signer, opts: opts}, nil
}

// GenerateCA makes a new ed25519 CA and returns it with its private key in
// OpenSSH PEM form, to be kept in a secret store.
func GenerateCA(comment string, opts CAOptions) (*CA, []byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, nil, err
	}
	ca, err := NewCA(signer, opts)
	return ca, pem.EncodeToMemory(block), err
}

// PublicKey returns the CA's public key.
func (ca *CA) PublicKey() ssh.PublicKey { return ca.signer.PublicKey() }

// TrustOp returns the op that makes a host trust this CA for user logins.
func (ca *CA) TrustOp() Op {
	return Op{Kind: OpTrustCA, Content: ssh.MarshalAuthorizedKey(ca.PublicKey())}
}

// PrincipalsOp returns the op that lets certificates carrying any of
// principals log in as user on a host.
func PrincipalsOp(user string, principals ...string) Op {
	var b strings.Builder
	for _, p := range principals {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return Op{Kind: OpSetPrincipals, User: user, Content: []byte(b.String())}
}

// CertRequest asks for one user certificate.
type CertRequest struct {
	// PublicKey is the user's key to certify.
	PublicKey ssh.PublicKey
	// KeyID is logged by sshd on every login, e.g. "alice@laptop ticket-42".
	KeyID string
	// Principals the certificate is valid for; at least one. A certificate
	// without principals would be valid for every account, so it is never
	// issued.
	Principals []string
	// TTL is the validity from now; 0 means the CA's DefaultTTL.
	TTL time.Duration
	// SourceAddresses restricts where the certificate may be used from
	// (CIDRs or addresses); the source-address critical option.
	SourceAddresses []string
	// ForceCommand, when set, is the only command the certificate may run.
	ForceCommand string
	// Extensions default to permit-pty only; set them to grant
	// forwarding or user rc files.
	Extensions map[string]string
}

// IssueUserCert signs a user certificate valid from one minute ago (clock
// skew) until TTL from now.
func (ca *CA) IssueUserCert(req CertRequest) (*ssh.Certificate, error) {
	if req.PublicKey == nil {
		return nil, fmt.Errorf("%w: no public key", ErrCertRequest)
	}
	if _, ok := req.PublicKey.(*ssh.Certificate); ok {
		return nil, fmt.Errorf("%w: the key is already a certificate", ErrCertRequest)
	}
	if err := checkStrength(req.PublicKey, DefaultMinRSABits); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCertRequest, err)
	}
	if len(req.Principals) == 0 {
		return nil, fmt.Errorf("%w: at least one principal is required", ErrCertRequest)
	}
	for _, p := range req.Principals {
		if p == "" || strings.ContainsAny(p, ", \t\r\n\x00") {
			return nil, fmt.Errorf("%w: principal %q", ErrCertRequest, p)
		}
	}
	if strings.ContainsAny(req.KeyID, "\r\n\x00") {
		return nil, fmt.Errorf("%w: key ID carries a control character", ErrCertRequest)
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = ca.opts.DefaultTTL
	}
	if ttl < 0 || ttl > ca.opts.MaxTTL {
		return nil, fmt.Errorf("%w: TTL %v outside (0, %v]", ErrCertRequest, ttl, ca.opts.MaxTTL)
	}
	crit := map[string]string{}
	if len(req.SourceAddresses) > 0 {
		for _, a := range req.SourceAddresses {
			if _, _, err := net.ParseCIDR(a); err != nil && net.ParseIP(a) == nil {
				return nil, fmt.Errorf("%w: source address %q is not an address or CIDR", ErrCertRequest, a)
			}
		}
		crit["source-address"] = strings.Join(req.SourceAddresses, ",")
	}
	if req.ForceCommand != "" {
		crit["force-command"] = req.ForceCommand
	}
	ext := req.Extensions
	if ext == nil {
		ext = map[string]string{"permit-pty": ""}
	}
	// Serial 0 cannot be revoked by serial in a KRL; draw again.
	var serial [8]byte
	for binary.BigEndian.Uint64(serial[:]) == 0 {
		if _, err := rand.Read(serial[:]); err != nil {
			return nil, err
		}
	}
	now := ca.opts.Now()
	cert := &ssh.Certificate{
		Key:             req.PublicKey,
		Serial:          binary.BigEndian.Uint64(serial[:]),
		CertType:        ssh.UserCert,
		KeyId:           req.KeyID,
		ValidPrincipals: append([]string(nil), req.Principals...),
		ValidAfter:      uint64(now.Add(-time.Minute).Unix()),
		ValidBefore:     uint64(now.Add(ttl).Unix()),
		Permissions:     ssh.Permissions{CriticalOptions: crit, Extensions: ext},
	}
	if err := cert.SignCert(rand.Reader, ca.signer); err != nil {
		return nil, fmt.Errorf("access: sign certificate: %w", err)
	}
	return cert, nil
}

// CheckUserCert verifies cert the way sshd does for a login as principal:
// signed by this CA, a user certificate, valid now, for principal, not
// revoked in rl (which may be nil).
func (ca *CA) CheckUserCert(cert *ssh.Certificate, principal string, rl *RevocationList) error {
	caKey := ca.PublicKey().Marshal()
	checker := &ssh.CertChecker{
		IsUserAuthority: func(auth ssh.PublicKey) bool { return bytes.Equal(auth.Marshal(), caKey) },
		IsRevoked: func(c *ssh.Certificate) bool {
			return rl != nil && rl.IsRevoked(c)
		},
		SupportedCriticalOptions: []string{"source-address", "force-command"},
		Clock:                    ca.opts.Now,
	}
	if cert.CertType != ssh.UserCert {
		return fmt.Errorf("%w: not a user certificate", ErrCertRequest)
	}
	if !checker.IsUserAuthority(cert.SignatureKey) {
		return fmt.Errorf("%w: not signed by this CA", ErrCertRequest)
	}
	return checker.CheckCert(principal, cert)
}
