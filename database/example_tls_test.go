package database_test

import (
	"context"
	"errors"
	"log"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/opskit-dev/opskit/database"
)

// Routing over TLS: every node's certificate must chain to the CA bundle
// and name the host dialed (sslmode=verify-full), whatever the DSNs say.
// A refused certificate names the node and says why, in the node's status.
func ExampleDialRouter_tls() {
	ctx := context.Background()
	r, err := database.DialRouter(ctx, "postgres://app@db-primary.internal:5432/app", database.RouterOptions{
		Replicas: []string{"postgres://app@db-replica-1.internal:5432/app"},
		TLS:      &database.TLSConfig{CAFile: "/etc/opskit/tls/rds-ca.pem"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for _, st := range r.Status() {
		var ce *database.CertificateError
		if errors.As(st.Err, &ce) {
			log.Printf("node %s: certificate %s refused (%s)", st.Node, ce.Subject, ce.Reason)
		}
	}
}

// A pool of your own gets the same verification with ApplyTLS.
func ExampleApplyTLS() {
	cfg, err := pgxpool.ParseConfig("postgres://app@db.internal:5432/app")
	if err != nil {
		log.Fatal(err)
	}
	if err := database.ApplyTLS(&cfg.ConnConfig.Config, &database.TLSConfig{CAFile: "/etc/opskit/tls/ca.pem"}); err != nil {
		log.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
}
