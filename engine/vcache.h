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

/* Memory, all of it reached early in a run and then flat: VCACHE_MAX_BYTES
 * of outcomes (about 14,000 RSA-2048 ones); the bodies of copies in at
 * most --copy-cache MB (VCACHE_BODY_MB by default; a body over 1/16 of it
 * is not kept), the oldest dropped first; and VCACHE_SEEN_BYTES of keys,
 * by which a copy is recognized among the bodies of about the last 10,000
 * messages. */
#define VCACHE_MAX_BYTES ((size_t)8 << 20)
#define VCACHE_BODY_MB 8
#define VCACHE_SEEN_BYTES ((size_t)2 << 20)

struct vcache;

/* vcache_new returns an empty memo of at most |max_bytes| of outcomes and
 * |body_bytes| of kept bodies (0: no memo of body hashes), or NULL. */
struct vcache *vcache_new(size_t max_bytes, size_t body_bytes);

/* vcache_free releases |c|; NULL is accepted. */
void vcache_free(struct vcache *c);

/* vcache_memo returns the dkim_memo interface over |c|. */
struct dkim_memo vcache_memo(struct vcache *c);

#endif /* AUTHSWEEP_ENGINE_VCACHE_H */
