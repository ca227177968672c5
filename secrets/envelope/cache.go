package envelope

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"
)

// CacheOptions bounds how long a cached data key is used, as the AWS
// Encryption SDK's caching materials manager does. Zero fields take the
// defaults: 100 messages, 1 GiB, 5 minutes.
type CacheOptions struct {
	// MaxMessages is how many messages one data key encrypts.
	MaxMessages int
	// MaxBytes is how many plaintext bytes one data key encrypts; a
	// message that starts under the limit may end past it.
	MaxBytes int64
	// MaxAge is how long a data key is used from its generation.
	MaxAge time.Duration
}

// CachingKeys is a KeyService that reuses data keys (and unwrapped keys)
// within CacheOptions' bounds, to save key-service calls when many
// messages are encrypted or decrypted. Reuse is safe because every
// message derives its own frame key from a random message ID.
type CachingKeys struct {
	inner KeyService
	opts  CacheOptions
	now   func() time.Time

	mu  sync.Mutex
	enc map[string]*cachedKey // by key ID and context
	dec map[string]*cachedKey // by wrapped key and context
}

type cachedKey struct {
	plain, wrapped []byte
	created        time.Time
	messages       int
	bytes          int64
}

var _ KeyService = (*CachingKeys)(nil)

// NewCachingKeys returns a cache in front of inner.
func NewCachingKeys(inner KeyService, opts CacheOptions) *CachingKeys {
	if opts.MaxMessages <= 0 {
		opts.MaxMessages = 100
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 1 << 30
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 5 * time.Minute
	}
	return &CachingKeys{inner: inner, opts: opts, now: time.Now, enc: map[string]*cachedKey{}, dec: map[string]*cachedKey{}}
}

func cacheKey(a []byte, encCtx map[string]string) string {
	return string(appendField(nil, a)) + string(encodeContext(encCtx))
}

func (c *CachingKeys) fresh(k *cachedKey) bool {
	return k != nil && k.messages < c.opts.MaxMessages && k.bytes < c.opts.MaxBytes && c.now().Sub(k.created) < c.opts.MaxAge
}

func (c *CachingKeys) evict(m map[string]*cachedKey, id string) {
	if k := m[id]; k != nil {
		clear(k.plain)
		delete(m, id)
	}
}

// GenerateDataKey implements KeyService; the caller gets its own copy.
func (c *CachingKeys) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) ([]byte, []byte, error) {
	id := cacheKey([]byte(keyID), encCtx)
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.enc[id]
	if !c.fresh(k) {
		c.evict(c.enc, id)
		plain, wrapped, err := c.inner.GenerateDataKey(ctx, keyID, encCtx)
		if err != nil {
			return nil, nil, err
		}
		k = &cachedKey{plain: plain, wrapped: wrapped, created: c.now()}
		c.enc[id] = k
	}
	k.messages++
	return slices.Clone(k.plain), slices.Clone(k.wrapped), nil
}

// Decrypt implements KeyService; the caller gets its own copy.
func (c *CachingKeys) Decrypt(ctx context.Context, keyID string, wrapped []byte, encCtx map[string]string) ([]byte, error) {
	id := cacheKey(append([]byte(keyID+"\x00"), wrapped...), encCtx)
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.dec[id]
	if !c.fresh(k) || !bytes.Equal(k.wrapped, wrapped) {
		c.evict(c.dec, id)
		plain, err := c.inner.Decrypt(ctx, keyID, wrapped, encCtx)
		if err != nil {
			return nil, err
		}
		k = &cachedKey{plain: plain, wrapped: slices.Clone(wrapped), created: c.now()}
		c.dec[id] = k
	}
	k.messages++
	return slices.Clone(k.plain), nil
}

// encrypted records n plaintext bytes encrypted under the cached key that
// wrapped identifies (called by Writer.Close).
func (c *CachingKeys) encrypted(wrapped []byte, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range c.enc {
		if bytes.Equal(k.wrapped, wrapped) {
			k.bytes += n
		}
	}
}

// Purge forgets and clears every cached key.
func (c *CachingKeys) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.enc {
		c.evict(c.enc, id)
	}
	for id := range c.dec {
		c.evict(c.dec, id)
	}
}
