/*
 * archive.c - dated zone snapshots and the combined view of a run's DNS
 * sources (see archive.h).
 */
#include "dns/archive.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "dns/cache.h"

enum snap_state { SNAP_UNREAD, SNAP_READY, SNAP_FAILED };

struct snapshot {
	int64_t from;
	_Atomic int state; /* enum snap_state */
	struct zone *zone;
};

struct dns_archive {
	pthread_mutex_t mu; /* taken to load a snapshot */
	dns_archive_load_fn *load;
	void *arg;
	struct snapshot *snaps;
	size_t num, cap;
};

static const struct dns_rrset unreadable_rr = { .status = DNS_TEMPFAIL,
	.reason = "keys snapshot unreadable" };
static const struct dns_rrset too_old_rr = { .status = DNS_TEMPFAIL,
	.reason = "no keys snapshot as old as the message" };
static const struct dns_rrset no_source_rr = { .status = DNS_TEMPFAIL,
	.reason = "no DNS source" };

struct dns_archive *
dns_archive_new(dns_archive_load_fn *load, void *arg)
{
	struct dns_archive *a = calloc(1, sizeof(*a));
	if (a != NULL) {
		pthread_mutex_init(&a->mu, NULL);
		a->load = load;
		a->arg = arg;
	}
	return a;
}

void
dns_archive_free(struct dns_archive *a)
{
	if (a == NULL) {
		return;
	}
	for (size_t i = 0; i < a->num; i++) {
		zone_free(a->snaps[i].zone);
	}
	free(a->snaps);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

bool
dns_archive_add(struct dns_archive *a, int64_t from)
{
	if (a->num > 0 && a->snaps[a->num - 1].from >= from) {
		return false;
	}
	if (a->num == a->cap) {
		size_t cap = a->cap != 0 ? a->cap * 2 : 16;
		struct snapshot *s = realloc(a->snaps, cap * sizeof(*s));
		if (s == NULL) {
			return false;
		}
		a->snaps = s;
		a->cap = cap;
	}
	struct snapshot *s = &a->snaps[a->num++];
	s->from = from;
	atomic_init(&s->state, SNAP_UNREAD);
	s->zone = NULL;
	return true;
}

size_t
dns_archive_size(const struct dns_archive *a)
{
	return a->num;
}

/* ready loads snapshot |i| if it is not loaded yet. */
static bool
ready(struct dns_archive *a, size_t i)
{
	struct snapshot *s = &a->snaps[i];
	int st = atomic_load_explicit(&s->state, memory_order_acquire);
	if (st == SNAP_UNREAD) {
		pthread_mutex_lock(&a->mu);
		st = atomic_load_explicit(&s->state, memory_order_relaxed);
		if (st == SNAP_UNREAD) {
			struct zone *z = zone_new();
			if (z != NULL && a->load(a->arg, i, z)) {
				s->zone = z;
				st = SNAP_READY;
			} else {
				zone_free(z);
				st = SNAP_FAILED;
			}
			atomic_store_explicit(
			    &s->state, st, memory_order_release);
		}
		pthread_mutex_unlock(&a->mu);
	}
	return st == SNAP_READY;
}

const struct dns_rrset *
dns_archive_find(
    struct dns_archive *a, struct span name, enum dns_type type, int64_t when)
{
	/* The newest snapshot with from <= when: binary search. */
	size_t lo = 0, hi = a->num;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->snaps[mid].from <= when) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo == 0) {
		return NULL;
	}
	size_t i = lo - 1;
	if (!ready(a, i)) {
		return &unreadable_rr;
	}
	return zone_find(a->snaps[i].zone, name, type);
}

/* ---- the combined view --------------------------------------------------- */

static const struct dns_rrset *
sources_lookup(const struct dns_view *v, struct span name, enum dns_type type,
    int64_t when)
{
	const struct dns_sources *s = v->ctx;
	if (s->keys != NULL) {
		const struct dns_rrset *rr = zone_find(s->keys, name, type);
		if (rr->status != DNS_NXDOMAIN ||
		    (s->archive == NULL && s->cache == NULL)) {
			return rr;
		}
	}
	if (s->archive != NULL) {
		const struct dns_rrset *rr =
		    dns_archive_find(s->archive, name, type, when);
		if (rr != NULL) {
			return rr;
		}
		if (s->cache == NULL) {
			return &too_old_rr;
		}
	}
	if (s->cache != NULL) {
		struct dns_view cv = dns_cache_view(s->cache, v->waits);
		return dns_view_lookup(&cv, name, type, when);
	}
	return &no_source_rr;
}

struct dns_view
dns_sources_view(const struct dns_sources *s, struct dns_waits *waits)
{
	struct dns_view v = { sources_lookup, (void *)s, waits };
	return v;
}
