package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/secrets"
)

// passwordLength is the generated database password's length.
const passwordLength = 32

// passwordStep keeps the database password in the secret store (Secrets
// Manager): generated on the first apply, read on every later one, never
// printed.
type passwordStep struct {
	w     *world
	store *secrets.Store
}

func (s *passwordStep) Name() string { return "database password" }

func (s *passwordStep) secret() string { return s.w.cfg.Database.PasswordSecret }

// read loads the password into the world; false when there is none yet.
func (s *passwordStep) read(ctx context.Context) (bool, error) {
	sec, err := s.store.Get(ctx, s.secret())
	if errors.Is(err, secrets.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.w.dbPassword = sec.Value
	return true, nil
}

func (s *passwordStep) Plan(ctx context.Context) ([]string, error) {
	ok, err := s.read(ctx)
	if err != nil || ok {
		return nil, err
	}
	return []string{fmt.Sprintf("create secret %s: a generated %d-character password (never printed)", s.secret(), passwordLength)}, nil
}

func (s *passwordStep) Apply(ctx context.Context) ([]string, error) {
	ok, err := s.read(ctx)
	if err != nil || ok {
		return nil, err
	}
	v, err := secrets.NewPassword(passwordLength)
	if err != nil {
		return nil, err
	}
	ver, err := s.store.Put(ctx, s.secret(), v, secrets.PutOptions{})
	if err != nil {
		return nil, err
	}
	s.w.dbPassword = v
	return []string{fmt.Sprintf("create secret %s: a generated %d-character password, version %s", s.secret(), passwordLength, ver.ID)}, nil
}

func (s *passwordStep) Destroy(ctx context.Context) ([]string, error) {
	if _, err := s.store.Versions(ctx, s.secret()); errors.Is(err, secrets.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := s.store.Delete(ctx, s.secret(), secrets.DeleteOptions{}); err != nil {
		return nil, err
	}
	return []string{"delete secret " + s.secret() + " (at once, no recovery window)"}, nil
}
