// Package keys keeps the keys the OpenID Connect provider signs tokens
// with, in the database (ent SigningKey), one current key per algorithm:
//
//	create (first start, or rotation)      retire (rotation)          delete
//	────────────────────────────────────▶ ─────────────────────────▶ ─────────▶
//	signs new tokens, published in JWKS    published in JWKS only     gone
//	                                       for TokenLifetime+Skew
//
// Private keys are sealed with AES-256-GCM under a key derived (HKDF-SHA256)
// from the server's secret key, with the key ID as additional data, so a
// sealed key cannot be moved to another row. A server whose secret key
// changed cannot open the old keys: it creates new ones and keeps
// publishing the old public keys until they expire, so tokens already
// issued still verify.
//
// A provider may pin a key (OAuth2Provider.signing_key): the key then
// signs that provider's tokens instead of its algorithm's current key,
// and rotation neither retires nor deletes it — pinning stops the clock,
// it un-retires nothing. Only a published key can be pinned (a retired
// one until its retention ends), and only one this server can open.
// Unpinning (Unpinned) records when the key last signed: it is retired at
// the next rotation unless it is current, and deleted TokenLifetime+Skew
// after the later of its retirement and its unpinning. So every key that
// may sign is published: the unretired ones, the pinned ones, and those
// that signed less than TokenLifetime+Skew ago.
//
// Every replica reads the same rows: the current key of an algorithm is
// its newest unretired key, so replicas that both created one at first
// start sign with the same key once they read again, and the other key is
// published (unretired) until the next rotation retires it.
package keys
