/*
 * vcache.h - the verification memo shared by all workers (see struct
 * dkim_memo in auth/dkim.h): copies of a message cost one public-key
 * operation per signature, however many mailboxes hold them.
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

/* VCACHE_MAX_BYTES bounds the memo: about 60,000 RSA-2048 outcomes. */
#define VCACHE_MAX_BYTES ((size_t)32 << 20)

struct vcache;

/* vcache_new returns an empty memo of at most |max_bytes|, or NULL. */
struct vcache *vcache_new(size_t max_bytes);

/* vcache_free releases |c|; NULL is accepted. */
void vcache_free(struct vcache *c);

/* vcache_memo returns the dkim_memo interface over |c|. */
struct dkim_memo vcache_memo(struct vcache *c);

#endif /* AUTHSWEEP_ENGINE_VCACHE_H */
