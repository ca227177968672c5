package passbolt

import (
	"crypto/sha256"
	"sync"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// keyCache keeps users' public keys parsed, by the hash of their armored
// form: parsing checks every self-signature, which costs more than
// encrypting to the key, and a share or an update lists every user.
type keyCache struct {
	mu   sync.Mutex
	keys map[[32]byte]*pgp.Entity
}

// maxCachedKeys bounds the cache; past it the cache starts again.
const maxCachedKeys = 10000

func (c *keyCache) read(armored string) (*pgp.Entity, error) {
	h := sha256.Sum256([]byte(armored))
	c.mu.Lock()
	k := c.keys[h]
	c.mu.Unlock()
	if k != nil {
		return k, nil
	}
	k, err := pgp.ReadKey(armored)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= maxCachedKeys {
		c.keys = map[[32]byte]*pgp.Entity{}
	}
	c.keys[h] = k
	c.mu.Unlock()
	return k, nil
}
