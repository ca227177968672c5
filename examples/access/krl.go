package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"golang.org/x/crypto/ssh"
)

const krlUsage = `access krl: write sshd's revocation list (an OpenSSH KRL) for emergencies:
revoke a key with every certificate of it, one certificate by serial, or every
certificate of a key ID. With --inventory the list is installed on every host
as its RevokedKeys file.

Usage: access krl --out FILE [--in FILE] [--revoke-key F]... [--revoke-cert F]... [--revoke-id ID --ca CA.pub]...
       access krl                           demo on the in-memory hosts`

func krl(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("access krl", krlUsage)
	var hf hostFlags
	hf.register(fs)
	in := fs.String("in", "", "existing list to add to (KRL or one public key a line)")
	out := fs.String("out", "", "write the list here")
	var keys, certs, ids multi
	fs.Var(&keys, "revoke-key", "public key or certificate file: the key and every certificate of it (repeatable)")
	fs.Var(&certs, "revoke-cert", "certificate file: this one certificate, by serial (repeatable)")
	fs.Var(&ids, "revoke-id", "key ID: every certificate issued with it, by --ca or by any CA (repeatable)")
	caFile := fs.String("ca", "", "CA public key file for --revoke-id")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" && hf.inventory == "" && *in == "" && len(keys)+len(certs)+len(ids) == 0 {
		return krlDemo(ctx, env)
	}
	if *out == "" && hf.inventory == "" {
		return cli.Usagef("krl needs --out or --inventory")
	}
	rl := access.NewRevocationList()
	if *in != "" {
		data, err := os.ReadFile(*in)
		if err != nil {
			return cli.Usagef("--in: %v", err)
		}
		if rl, err = access.ParseRevocationList(data); err != nil {
			return &cli.ConfigError{File: *in, Reason: err.Error()}
		}
	}
	for _, f := range keys {
		k, err := readPublicKey(f)
		if err != nil {
			return cli.Usagef("--revoke-key: %v", err)
		}
		rl.Revoke(k)
		env.Printf("revoked key %s and every certificate of it\n", ssh.FingerprintSHA256(k))
	}
	for _, f := range certs {
		k, err := readPublicKey(f)
		if err != nil {
			return cli.Usagef("--revoke-cert: %v", err)
		}
		c, ok := k.(*ssh.Certificate)
		if !ok {
			return cli.Usagef("--revoke-cert %s: not a certificate", f)
		}
		if err := rl.RevokeCertificate(c); err != nil {
			return cli.Usagef("--revoke-cert %s: %v", f, err)
		}
		env.Printf("revoked certificate %q serial %d\n", c.KeyId, c.Serial)
	}
	var ca ssh.PublicKey
	if *caFile != "" {
		var err error
		if ca, err = readPublicKey(*caFile); err != nil {
			return cli.Usagef("--ca: %v", err)
		}
	}
	for _, id := range ids {
		if err := rl.RevokeKeyID(ca, id); err != nil {
			return cli.Usagef("--revoke-id %q: %v", id, err)
		}
		env.Printf("revoked every certificate with key ID %q\n", id)
	}
	if *out != "" {
		if err := os.WriteFile(*out, rl.Content(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
		env.Printf("revocation list version %d written to %s\n", rl.Version(), *out)
		env.Event("krl", "file", *out, "version", rl.Version())
	}
	if hf.inventory == "" {
		return nil
	}
	w, err := hf.load(ctx, env)
	if err != nil {
		return err
	}
	defer w.close()
	return applyAll(ctx, env, w, "install revocation list", []access.Op{rl.Op()})
}

func readPublicKey(path string) (ssh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a public key or certificate: %v", path, err)
	}
	return k, nil
}

func krlDemo(ctx context.Context, env *cli.Env) error {
	env.Printf("(demo: a throwaway CA, two certificates and the in-memory hosts)\n")
	w, err := demoWorld(ctx)
	if err != nil {
		return err
	}
	return krlTour(ctx, env, w)
}

// krlTour issues two certificates, revokes one by serial and installs the
// list on every host.
func krlTour(ctx context.Context, env *cli.Env, w *world) error {
	ca, _, err := access.GenerateCA("opskit demo CA", access.CAOptions{})
	if err != nil {
		return err
	}
	laptop, err := demoCert(ca, "alice@laptop", time.Hour)
	if err != nil {
		return err
	}
	ci, err := demoCert(ca, "alice@ci", time.Hour)
	if err != nil {
		return err
	}
	rl := access.NewRevocationList()
	if err := rl.RevokeCertificate(laptop); err != nil {
		return err
	}
	env.Printf("alice's laptop was stolen: certificate %q (serial %d) revoked, %q (serial %d) still valid\n", laptop.KeyId, laptop.Serial, ci.KeyId, ci.Serial)
	env.Printf("  sshd would refuse %q: %v; %q: %v\n", laptop.KeyId, ca.CheckUserCert(laptop, "alice", rl) != nil, ci.KeyId, ca.CheckUserCert(ci, "alice", rl) != nil)
	return applyAll(ctx, env, w, fmt.Sprintf("install revocation list (%d bytes, KRL version %d)", len(rl.Content()), rl.Version()), []access.Op{ca.TrustOp(), rl.Op()})
}
