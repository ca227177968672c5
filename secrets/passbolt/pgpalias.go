package passbolt

import "github.com/ProtonMail/go-crypto/openpgp"

type openpgpEntity = openpgp.Entity
