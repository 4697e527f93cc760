/*
 * vcache.c - the shared verification memo (see vcache.h).
 *
 * Outcomes of public-key checks: 64 shards, each a chained hash table
 * under its own mutex, with a ring of its entries in insertion order for
 * eviction.  A lookup hashes the key pointer and the digest (already
 * uniformly distributed) to pick a shard and a bucket, then compares
 * everything in full.
 *
 * Body hashes: 16 shards, each a chained hash table and two lists in
 * insertion order, each under a byte budget.  An entry is made the first
 * time a (claimed bh, canonicalization, hash, limit, stored length) is
 * hashed, holding only those, on the "seen" list; the body bytes are kept
 * the second time, when a copy is seen, and the entry moves to the "kept"
 * list.  Mail that never repeats thus costs a small entry, and the seen
 * list's own small budget keeps a corpus without copies from growing the
 * memory.  A lookup answers only when the kept bytes equal the body in
 * full.
 */
#include "engine/vcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/digest.h"

#define VCACHE_SHARDS 64

struct entry {
	struct entry *next;
	uint64_t hash;
	const void *key;
	int alg;
	bool ok;
	uint16_t dlen, slen;
	uint8_t bytes[]; /* digest, then signature */
};

struct shard {
	pthread_mutex_t mu;
	struct entry **buckets; /* num_buckets, a power of two */
	size_t num_buckets;
	struct entry **ring; /* cap entries, oldest at head */
	size_t cap, head, count;
};

#define BODY_SHARDS 16
#define BODY_BUCKETS 1024

struct body_entry {
	struct body_entry *next;          /* bucket chain */
	struct body_entry *older, *newer; /* its list, in insertion order */
	uint64_t hash;
	int bc, alg;
	uint64_t limit;
	uint64_t canon_len;
	size_t body_len;
	size_t cost;    /* bytes counted against its list's budget */
	uint8_t *bytes; /* the body, once a copy was seen; else NULL */
	uint8_t bh_len, out_len;
	uint8_t bh[DIGEST_MAX_BYTES];
	uint8_t out[DIGEST_MAX_BYTES];
};

struct body_list {
	struct body_entry *oldest, *newest;
	size_t used, budget;
};

struct body_shard {
	pthread_mutex_t mu;
	struct body_entry *buckets[BODY_BUCKETS];
	struct body_list seen, kept;
};

struct vcache {
	struct shard shards[VCACHE_SHARDS];
	struct body_shard body[BODY_SHARDS];
	bool bodies; /* the memo of body hashes is on */
};

static uint64_t
hash_of(const void *key, int alg, struct span digest)
{
	uint64_t h =
	    (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ULL ^ (uint64_t)alg;
	for (size_t i = 0; i < digest.len && i < 16; i++) {
		h = (h ^ digest.p[i]) * 0x100000001b3ULL;
	}
	return h ^ h >> 29;
}

struct vcache *
vcache_new(size_t max_bytes, size_t body_bytes)
{
	struct vcache *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->bodies = body_bytes > 0;
	for (size_t i = 0; i < BODY_SHARDS; i++) {
		pthread_mutex_init(&c->body[i].mu, NULL);
		c->body[i].kept.budget = body_bytes / BODY_SHARDS;
		c->body[i].seen.budget = VCACHE_SEEN_BYTES / BODY_SHARDS;
	}
	/* About 600 bytes an entry (an RSA-2048 signature, a SHA-256
	 * digest, the header and the ring and bucket slots). */
	size_t per = max_bytes / 600 / VCACHE_SHARDS;
	per = per < 16 ? 16 : per;
	size_t nb = 16;
	while (nb < per) {
		nb *= 2;
	}
	for (size_t i = 0; i < VCACHE_SHARDS; i++) {
		struct shard *s = &c->shards[i];
		pthread_mutex_init(&s->mu, NULL);
		s->cap = per;
		s->num_buckets = nb;
		s->buckets = calloc(nb, sizeof(*s->buckets));
		s->ring = calloc(per, sizeof(*s->ring));
		if (s->buckets == NULL || s->ring == NULL) {
			vcache_free(c);
			return NULL;
		}
	}
	return c;
}

void
vcache_free(struct vcache *c)
{
	if (c == NULL) {
		return;
	}
	for (size_t i = 0; i < BODY_SHARDS; i++) {
		struct body_shard *b = &c->body[i];
		struct body_list *lists[] = { &b->seen, &b->kept };
		for (size_t k = 0; k < 2; k++) {
			for (struct body_entry *e = lists[k]->oldest, *n;
			     e != NULL; e = n) {
				n = e->newer;
				free(e->bytes);
				free(e);
			}
		}
		pthread_mutex_destroy(&b->mu);
	}
	for (size_t i = 0; i < VCACHE_SHARDS; i++) {
		struct shard *s = &c->shards[i];
		for (size_t k = 0; s->ring != NULL && k < s->count; k++) {
			free(s->ring[(s->head + k) % s->cap]);
		}
		free(s->buckets);
		free(s->ring);
		pthread_mutex_destroy(&s->mu);
	}
	free(c);
}

static bool
same(const struct entry *e, uint64_t h, const void *key, int alg,
    struct span digest, struct span sig)
{
	return e->hash == h && e->key == key && e->alg == alg &&
	    e->dlen == digest.len && e->slen == sig.len &&
	    memcmp(e->bytes, digest.p, digest.len) == 0 &&
	    memcmp(e->bytes + digest.len, sig.p, sig.len) == 0;
}

static int
vc_find(
    void *ctx, const void *key, int alg, struct span digest, struct span sig)
{
	struct vcache *c = ctx;
	uint64_t h = hash_of(key, alg, digest);
	struct shard *s = &c->shards[h % VCACHE_SHARDS];
	int r = -1;
	pthread_mutex_lock(&s->mu);
	for (struct entry *e = s->buckets[(h >> 8) & (s->num_buckets - 1)];
	     e != NULL; e = e->next) {
		if (same(e, h, key, alg, digest, sig)) {
			r = e->ok ? 1 : 0;
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

/* unlink_entry removes |e| from its bucket. */
static void
unlink_entry(struct shard *s, struct entry *e)
{
	struct entry **at = &s->buckets[(e->hash >> 8) & (s->num_buckets - 1)];
	while (*at != NULL && *at != e) {
		at = &(*at)->next;
	}
	if (*at == e) {
		*at = e->next;
	}
}

static void
vc_store(void *ctx, const void *key, int alg, struct span digest,
    struct span sig, bool ok)
{
	struct vcache *c = ctx;
	if (digest.len > UINT16_MAX || sig.len > UINT16_MAX) {
		return;
	}
	struct entry *e = malloc(sizeof(*e) + digest.len + sig.len);
	if (e == NULL) {
		return;
	}
	uint64_t h = hash_of(key, alg, digest);
	e->hash = h;
	e->key = key;
	e->alg = alg;
	e->ok = ok;
	e->dlen = (uint16_t)digest.len;
	e->slen = (uint16_t)sig.len;
	memcpy(e->bytes, digest.p, digest.len);
	memcpy(e->bytes + digest.len, sig.p, sig.len);
	struct shard *s = &c->shards[h % VCACHE_SHARDS];
	pthread_mutex_lock(&s->mu);
	for (struct entry *x = s->buckets[(h >> 8) & (s->num_buckets - 1)];
	     x != NULL; x = x->next) {
		if (same(x, h, key, alg, digest, sig)) {
			/* Another thread stored it first. */
			pthread_mutex_unlock(&s->mu);
			free(e);
			return;
		}
	}
	if (s->count == s->cap) {
		struct entry *old = s->ring[s->head];
		unlink_entry(s, old);
		free(old);
		s->head = (s->head + 1) % s->cap;
		s->count--;
	}
	s->ring[(s->head + s->count) % s->cap] = e;
	s->count++;
	struct entry **b = &s->buckets[(h >> 8) & (s->num_buckets - 1)];
	e->next = *b;
	*b = e;
	pthread_mutex_unlock(&s->mu);
}

/* ---- body hashes -------------------------------------------------------- */

static uint64_t
body_hash_of(struct span bh, int bc, int alg, uint64_t limit, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)len;
	h = (h ^ (uint64_t)(bc << 4 | alg)) * 0x100000001b3ULL;
	h = (h ^ limit) * 0x100000001b3ULL;
	for (size_t i = 0; i < bh.len && i < 16; i++) {
		h = (h ^ bh.p[i]) * 0x100000001b3ULL;
	}
	return h ^ h >> 31;
}

static struct body_entry *
body_lookup(struct body_shard *b, uint64_t h, struct span bh, int bc, int alg,
    uint64_t limit, size_t len)
{
	for (struct body_entry *e = b->buckets[(h >> 8) % BODY_BUCKETS];
	     e != NULL; e = e->next) {
		if (e->hash == h && e->bc == bc && e->alg == alg &&
		    e->limit == limit && e->body_len == len &&
		    e->bh_len == bh.len && memcmp(e->bh, bh.p, bh.len) == 0) {
			return e;
		}
	}
	return NULL;
}

static bool
vc_body_find(void *ctx, struct span bh, int bc, int alg, uint64_t limit,
    struct span body, uint8_t *out, size_t *out_len, uint64_t *canon_len)
{
	struct vcache *c = ctx;
	if (bh.len > DIGEST_MAX_BYTES) {
		return false;
	}
	uint64_t h = body_hash_of(bh, bc, alg, limit, body.len);
	struct body_shard *b = &c->body[h % BODY_SHARDS];
	bool hit = false;
	pthread_mutex_lock(&b->mu);
	struct body_entry *e = body_lookup(b, h, bh, bc, alg, limit, body.len);
	if (e != NULL && e->bytes != NULL &&
	    (body.len == 0 || memcmp(e->bytes, body.p, body.len) == 0)) {
		memcpy(out, e->out, e->out_len);
		*out_len = e->out_len;
		*canon_len = e->canon_len;
		hit = true;
	}
	pthread_mutex_unlock(&b->mu);
	return hit;
}

static void
list_remove(struct body_list *l, struct body_entry *e)
{
	if (e->older != NULL) {
		e->older->newer = e->newer;
	} else {
		l->oldest = e->newer;
	}
	if (e->newer != NULL) {
		e->newer->older = e->older;
	} else {
		l->newest = e->older;
	}
	e->older = e->newer = NULL;
	l->used -= e->cost;
}

static void
list_append(struct body_list *l, struct body_entry *e)
{
	e->newer = NULL;
	e->older = l->newest;
	if (l->newest != NULL) {
		l->newest->newer = e;
	} else {
		l->oldest = e;
	}
	l->newest = e;
	l->used += e->cost;
}

static void
bucket_remove(struct body_shard *b, struct body_entry *e)
{
	struct body_entry **at = &b->buckets[(e->hash >> 8) % BODY_BUCKETS];
	while (*at != e) {
		at = &(*at)->next;
	}
	*at = e->next;
}

/* make_room drops the oldest entries of |l| until |need| more bytes fit
 * its budget; false when they cannot. */
static bool
make_room(struct body_shard *b, struct body_list *l, size_t need)
{
	if (need > l->budget) {
		return false;
	}
	while (l->used + need > l->budget && l->oldest != NULL) {
		struct body_entry *e = l->oldest;
		list_remove(l, e);
		bucket_remove(b, e);
		free(e->bytes);
		free(e);
	}
	return true;
}

static void
vc_body_store(void *ctx, struct span bh, int bc, int alg, uint64_t limit,
    struct span body, const uint8_t *out, size_t out_len, uint64_t canon_len)
{
	struct vcache *c = ctx;
	if (bh.len > DIGEST_MAX_BYTES || out_len > DIGEST_MAX_BYTES) {
		return;
	}
	uint64_t h = body_hash_of(bh, bc, alg, limit, body.len);
	struct body_shard *b = &c->body[h % BODY_SHARDS];
	pthread_mutex_lock(&b->mu);
	struct body_entry *e = body_lookup(b, h, bh, bc, alg, limit, body.len);
	if (e == NULL) {
		/* First sight: remember the key alone. */
		if (make_room(b, &b->seen, sizeof(*e)) &&
		    (e = calloc(1, sizeof(*e))) != NULL) {
			e->hash = h;
			e->bc = bc;
			e->alg = alg;
			e->limit = limit;
			e->body_len = body.len;
			e->bh_len = (uint8_t)bh.len;
			memcpy(e->bh, bh.p, bh.len);
			e->cost = sizeof(*e);
			struct body_entry **at =
			    &b->buckets[(h >> 8) % BODY_BUCKETS];
			e->next = *at;
			*at = e;
			list_append(&b->seen, e);
		}
	} else if (e->bytes == NULL) {
		/* Second sight: a copy.  Keep its bytes, and this hash (the
		 * first sight may have hashed other bytes under the same
		 * claim), on the kept list. */
		list_remove(&b->seen, e);
		size_t cost = sizeof(*e) + body.len;
		if (make_room(b, &b->kept, cost) &&
		    (e->bytes = malloc(body.len == 0 ? 1 : body.len)) != NULL) {
			memcpy(e->bytes, body.p, body.len);
			memcpy(e->out, out, out_len);
			e->out_len = (uint8_t)out_len;
			e->canon_len = canon_len;
			e->cost = cost;
			list_append(&b->kept, e);
		} else {
			bucket_remove(b, e);
			free(e);
		}
	}
	pthread_mutex_unlock(&b->mu);
}

struct dkim_memo
vcache_memo(struct vcache *c)
{
	struct dkim_memo m = { vc_find, vc_store, vc_body_find, vc_body_store,
		c };
	if (!c->bodies) {
		m.body_find = NULL;
		m.body_store = NULL;
	}
	return m;
}
