package rdsauth_test

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/rdsauth"
)

// Routing to RDS with IAM authentication over verified TLS: no password in
// the DSNs, a fresh token for each new connection of every node's pool.
func Example() {
	ctx := context.Background()
	// The service's role, e.g. config.LoadDefaultConfig(ctx).Credentials.
	var creds aws.CredentialsProvider = roleCredentials()
	tokens, err := rdsauth.New(rdsauth.Options{Region: "eu-west-1", Credentials: creds})
	if err != nil {
		log.Fatal(err)
	}
	r, err := database.DialRouter(ctx, "postgres://app_user@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders",
		database.RouterOptions{
			Replicas:      []string{"postgres://app_user@orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com:5432/orders"},
			TLS:           &database.TLSConfig{CAFile: "/etc/ssl/rds/global-bundle.pem"},
			ConfigurePool: tokens.ConfigurePool,
		})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
}

func roleCredentials() aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "example"}, nil
	})
}
