// Command reader is the task of the swarm Attach test: it exits with
// status 3 if /run/secrets/app is missing or empty, and otherwise stays up.
// It never prints the secret.
package main

import (
	"os"
	"time"
)

func main() {
	for {
		if b, err := os.ReadFile("/run/secrets/app"); err != nil || len(b) == 0 {
			os.Exit(3)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
