// Package blobstore is the envelope-encrypted backend of package secrets
// over any blob storage (a directory, an S3-like object store): each
// version is one secrets/envelope message under a KMS (or local) key with
// the encryption context {"opskit.secret": NAME, "opskit.version": N}, so a
// blob copied to another name or version does not decrypt; an index blob
// per secret holds the versions and their stages (no values).
//
// Hold a *secrets.Store from NewStore over a Blobs implementation; Dir is
// the one for a local directory (confined with os.Root). Writers must be a
// single process per secret: the index is rewritten without a
// compare-and-swap. There is no recovery window; Delete removes every blob.
package blobstore
