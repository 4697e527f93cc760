/*
 * digest.h - streaming SHA-256 and SHA-1.
 *
 * The algorithms are fetched from OpenSSL once per process by crypto_init()
 * (OpenSSL 3 explicit fetch), never per message.  A struct digest owns one
 * hash state, allocated once and reused for every hash a worker computes:
 * nothing is allocated or fetched per hash.
 * SHA-1 exists only to verify historic rsa-sha1 signatures (RFC 8301 makes
 * them unacceptable, but authsweep still reports whether they verify).
 *
 * Errors are sticky: an update that fails marks the digest, and
 * digest_final reports it.
 */
#ifndef AUTHSWEEP_CRYPTO_DIGEST_H
#define AUTHSWEEP_CRYPTO_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"

enum digest_alg { DIGEST_SHA1 = 0, DIGEST_SHA256 = 1 };

#define DIGEST_NUM_ALGS 2

/* crypto_init fetches the algorithms every thread uses.  Call it once,
 * before any other crypto/ function; it returns false if OpenSSL lacks one
 * of them. */
bool crypto_init(void);

/* crypto_cleanup releases what crypto_init fetched. */
void crypto_cleanup(void);

/* digest_len returns the output size of |alg| in bytes. */
size_t digest_len(enum digest_alg alg);

/* struct digest is caller-provided storage around one reusable hash
 * context. */
struct digest {
	void *ctx; /* the hash state (digest.c), owned */
	enum digest_alg alg;
	bool failed;
	uint64_t bytes; /* bytes hashed since digest_begin */
};

/* digest_init allocates the context of |d|.  It returns false on allocation
 * failure. */
bool digest_init(struct digest *d);

/* digest_cleanup frees the context of |d|. */
void digest_cleanup(struct digest *d);

/* digest_begin starts a new hash with |alg|, discarding any previous
 * state. */
void digest_begin(struct digest *d, enum digest_alg alg);

/* digest_update hashes |len| bytes at |p|. */
void digest_update(struct digest *d, const void *p, size_t len);

/* digest_copy makes |dst| (initialized with digest_init) a copy of the
 * running hash |src|, so that |src| can go on while |dst| is finished: a
 * snapshot of the state at one length, which serves a DKIM l= without a
 * second pass over the body.  It is a copy of a small struct. */
void digest_copy(struct digest *dst, const struct digest *src);

/* digest_finish writes the hash to |out| (at least digest_len bytes) and
 * stores its length in |*out_len|.  It returns false if any step of this
 * hash failed. */
bool digest_finish(struct digest *d, uint8_t *out, size_t *out_len);

/* digest_sink returns a byte_sink that hashes into |d|. */
struct byte_sink digest_sink(struct digest *d);

#endif /* AUTHSWEEP_CRYPTO_DIGEST_H */
