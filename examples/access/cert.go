package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"golang.org/x/crypto/ssh"
)

const certUsage = `access cert: issue a short-lived SSH user certificate, as ssh-keygen -s
does, but never without principals and never longer than --max-ttl.

Usage: access cert --ca-key CA_KEY --key USER_KEY.pub --principal NAME [flags]
       access cert --new-ca FILE            make a CA (private key to FILE, 0600)
       access cert                          demo: a throwaway CA and key

With --inventory and --trust the hosts are also made to trust the CA and to
let each --principal log in as the account of the same name.`

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func cert(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("access cert", certUsage)
	var hf hostFlags
	hf.register(fs)
	caKey := fs.String("ca-key", "", "the CA's private key (OpenSSH format)")
	newCA := fs.String("new-ca", "", "generate an ed25519 CA: private key to this file (0600), public key to FILE.pub")
	keyFile := fs.String("key", "", "the user's public key file to certify")
	var principals, sources multi
	fs.Var(&principals, "principal", "account the certificate may log in as (repeatable; at least one)")
	fs.Var(&sources, "source-address", "CIDR or address the certificate may be used from (repeatable)")
	keyID := fs.String("key-id", "", "key ID sshd logs on every login (default: the key's comment)")
	ttl := fs.Duration("ttl", 8*time.Hour, "validity from now")
	maxTTL := fs.Duration("max-ttl", 24*time.Hour, "refuse a --ttl longer than this")
	force := fs.String("force-command", "", "the only command the certificate may run")
	out := fs.String("out", "", "certificate file (default: the key file with -cert.pub, as ssh-keygen names it)")
	trust := fs.Bool("trust", false, "with --inventory: install the CA and the principals on every host")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	opts := access.CAOptions{MaxTTL: *maxTTL}
	if *newCA != "" {
		return generateCA(env, *newCA, opts)
	}
	if *caKey == "" && *keyFile == "" {
		return certDemo(env, opts)
	}
	if *caKey == "" || *keyFile == "" || len(principals) == 0 {
		return cli.Usagef("cert needs --ca-key, --key and at least one --principal")
	}
	pem, err := os.ReadFile(*caKey)
	if err != nil {
		return cli.Usagef("--ca-key: %v", err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		return cli.Usagef("--ca-key %s: %v", *caKey, err)
	}
	ca, err := access.NewCA(signer, opts)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	pubText, err := os.ReadFile(*keyFile)
	if err != nil {
		return cli.Usagef("--key: %v", err)
	}
	pub, comment, _, _, err := ssh.ParseAuthorizedKey(pubText)
	if err != nil {
		return cli.Usagef("--key %s: not a public key: %v", *keyFile, err)
	}
	if *keyID == "" {
		*keyID = comment
	}
	c, err := ca.IssueUserCert(access.CertRequest{PublicKey: pub, KeyID: *keyID, Principals: principals, TTL: *ttl, SourceAddresses: sources, ForceCommand: *force})
	if err != nil {
		return cli.Usagef("%v", err)
	}
	if *out == "" {
		*out = strings.TrimSuffix(*keyFile, ".pub") + "-cert.pub"
	}
	if err := os.WriteFile(*out, ssh.MarshalAuthorizedKey(c), 0o644); err != nil {
		return fmt.Errorf("write certificate: %w", err)
	}
	printCert(env, c)
	env.Printf("written to %s\n", *out)
	if *trust {
		if hf.inventory == "" {
			return cli.Usagef("--trust needs --inventory")
		}
		w, err := hf.load(ctx, env)
		if err != nil {
			return err
		}
		defer w.close()
		ops := []access.Op{ca.TrustOp()}
		for _, p := range principals {
			ops = append(ops, access.PrincipalsOp(p, p))
		}
		return applyAll(ctx, env, w, "trust CA", ops)
	}
	return nil
}

func generateCA(env *cli.Env, path string, opts access.CAOptions) error {
	ca, pem, err := access.GenerateCA("opskit user CA", opts)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return cli.Usagef("--new-ca: %v (an existing CA key is never overwritten)", err)
	}
	if _, err := f.Write(pem); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(ca.PublicKey()), 0o644); err != nil {
		return err
	}
	env.Printf("CA private key written to %s (0600; keep it in a secret store), public key to %s.pub\n", path, path)
	env.Printf("CA fingerprint %s\n", ssh.FingerprintSHA256(ca.PublicKey()))
	env.Event("ca", "private_key_file", path, "fingerprint", ssh.FingerprintSHA256(ca.PublicKey()))
	return nil
}

func certDemo(env *cli.Env, opts access.CAOptions) error {
	env.Printf("(demo: a throwaway CA and user key; pass --ca-key, --key and --principal for real ones)\n")
	ca, _, err := access.GenerateCA("opskit demo CA", opts)
	if err != nil {
		return err
	}
	c, err := demoCert(ca, "alice@laptop INC-1234", time.Hour)
	if err != nil {
		return err
	}
	printCert(env, c)
	env.Printf("CA private key: never printed; keep it in a secret store\n")
	return ca.CheckUserCert(c, "alice", nil)
}

func demoCert(ca *access.CA, id string, ttl time.Duration) (*ssh.Certificate, error) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	key, _ := ssh.NewPublicKey(pub)
	return ca.IssueUserCert(access.CertRequest{PublicKey: key, KeyID: id, Principals: []string{"alice"}, TTL: ttl, SourceAddresses: []string{"10.0.0.0/8"}})
}

func printCert(env *cli.Env, c *ssh.Certificate) {
	from, to := time.Unix(int64(c.ValidAfter), 0).UTC(), time.Unix(int64(c.ValidBefore), 0).UTC()
	env.Printf("certificate %q serial %d for %s\n", c.KeyId, c.Serial, strings.Join(c.ValidPrincipals, ","))
	env.Printf("  valid %s to %s (%s)\n", from.Format(time.RFC3339), to.Format(time.RFC3339), to.Sub(from).Round(time.Minute))
	for k, v := range c.CriticalOptions {
		env.Printf("  critical option %s=%s\n", k, v)
	}
	env.Printf("  key %s signed by CA %s\n", ssh.FingerprintSHA256(c.Key), ssh.FingerprintSHA256(c.SignatureKey))
	env.Event("certificate", "key_id", c.KeyId, "serial", c.Serial, "principals", c.ValidPrincipals, "valid_after", from, "valid_before", to, "ca", ssh.FingerprintSHA256(c.SignatureKey))
}

// applyAll applies ops on every target and reports failed hosts.
func applyAll(ctx context.Context, env *cli.Env, w *world, what string, ops []access.Op) error {
	var failed []string
	for _, t := range w.targets {
		res, err := t.Host.Apply(ctx, ops)
		if err == nil {
			for _, r := range res {
				if r.Err != nil {
					err = r.Err
					break
				}
			}
		}
		if err != nil {
			failed = append(failed, t.Host.Name())
			env.Printf("  %-8s %s FAILED: %v\n", t.Host.Name(), what, err)
			continue
		}
		env.Printf("  %-8s %s: done\n", t.Host.Name(), what)
		env.Event("apply", "host", t.Host.Name(), "what", what)
	}
	if len(failed) > 0 {
		return &cli.PartialError{Failed: failed}
	}
	return nil
}
