// Package secrets will own keeping secrets out of images and code: shared
// team passwords (Passbolt), database role password rotation, Docker Swarm
// secrets, a linter for passwords in Dockerfiles, runtime injection of
// CI-provided values, KMS envelope encryption, and an inventory of TLS
// certificates (ACM) with their expiry.
package secrets
