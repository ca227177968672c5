package pgp

import "github.com/ProtonMail/go-crypto/openpgp"

// Entity is an OpenPGP key (public, or public and private).
type Entity = openpgp.Entity
