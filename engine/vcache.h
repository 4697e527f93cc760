/*
 * vcache.h - the verification memo shared by all workers (see struct
 * dkim_memo in auth/dkim.h): copies of a message cost one public-key
 * operation per signature, however many mailboxes hold them, and one
 * body hash per (canonicalization, hash, l=).
 *
 * It is bounded: at most VCACHE_MAX_BYTES of entries, the oldest dropped
 * first.  Entries compare the key object, the digest and the signature in
 * full, so an answer from the memo is the answer the check would give.
 */
#ifndef AUTHSWEEP_ENGINE_VCACHE_H
#define AUTHSWEEP_ENGINE_VCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/dkim.h"

/* VCACHE_MAX_BYTES bounds the memo of outcomes: about 60,000 RSA-2048
 * ones.  VCACHE_BODY_BYTES bounds the memo of body hashes: bodies are kept
 * only once a copy is seen, and the oldest go first. */
#define VCACHE_MAX_BYTES ((size_t)32 << 20)
#define VCACHE_BODY_BYTES ((size_t)64 << 20)

struct vcache;

/* vcache_new returns an empty memo of at most |max_bytes| of outcomes and
 * |body_bytes| of body hashes, or NULL. */
struct vcache *vcache_new(size_t max_bytes, size_t body_bytes);

/* vcache_free releases |c|; NULL is accepted. */
void vcache_free(struct vcache *c);

/* vcache_memo returns the dkim_memo interface over |c|. */
struct dkim_memo vcache_memo(struct vcache *c);

#endif /* AUTHSWEEP_ENGINE_VCACHE_H */
