/*
 * vcache.c - the shared verification memo (see vcache.h).
 *
 * 64 shards, each a chained hash table under its own mutex, with a ring of
 * its entries in insertion order for eviction.  A lookup hashes the key
 * pointer and the digest (already uniformly distributed) to pick a shard
 * and a bucket, then compares everything in full.
 */
#include "engine/vcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

struct vcache {
	struct shard shards[VCACHE_SHARDS];
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
vcache_new(size_t max_bytes)
{
	struct vcache *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
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

struct dkim_memo
vcache_memo(struct vcache *c)
{
	struct dkim_memo m = { vc_find, vc_store, c };
	return m;
}
