/*
 * cache.h - the shared DNS cache: every worker's lookups, one resolver
 * thread, answers kept for the whole run.
 *
 * Each (name, type) is asked of the network at most once per run: the first
 * lookup that misses starts the query and gets DNS_PENDING, later lookups
 * of the same name while it runs get DNS_PENDING too, without a second
 * query.  Lookups never block on the network.  The cache's thread runs the
 * c-ares resolver and, after answers come in, calls the |notify| hook so
 * that set-aside work can be taken up again (dns_cache_ready tells which).
 *
 * Answers are observations: an rrset with the wall-clock time it was
 * fetched and its TTL (RFC 2308 negative TTLs for NXDOMAIN and NODATA, 0
 * for failures, which are cached for the run too).  A lookup for
 * evaluation time E takes the oldest observation still fresh at E, that is
 * with E < fetched + TTL; one fetched after E is the best knowledge there
 * is of that moment and counts as fresh.  When none is fresh, the name is
 * asked once; when it was asked already (or the cache is offline), the
 * newest observation answers.  The choice depends only on the
 * observations and E, so a run that loads the observations an earlier run
 * saved gives the same answers without asking the network.
 *
 * Persistence (--dns-cache FILE): dns_cache_load reads the text
 * dns_cache_dump writes, a master file whose answers are each introduced
 * by a ";@" comment line:
 *
 *     ;@ FETCHED STATUS NAME. TYPE TTL [REASON...]
 *     NAME. TTL IN TYPE RDATA          (one line per record, STATUS OK)
 *
 * STATUS is OK, NXDOMAIN, NODATA or TEMPFAIL; TYPE is TXT, A or AAAA.
 * Other tools read the file as a plain zone (the ";@" lines are comments),
 * so it also serves as --keys file or --keys-archive snapshot.
 *
 * Decoded objects attached to an observation's rrset (each DKIM key is
 * decoded once per run) are freed with the cache.
 */
#ifndef AUTHSWEEP_DNS_CACHE_H
#define AUTHSWEEP_DNS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"
#include "dns/resolver.h"
#include "dns/view.h"
#include "dns/zone.h"

struct dns_cache;

struct dns_cache_config {
	/* live: ask the network for what is not cached.  false: offline; a
	 * name without an observation gets DNS_TEMPFAIL "not in the DNS
	 * cache". */
	bool live;
	struct dns_resolver_config resolver;
	/* notify runs on the cache's thread after answers arrived; may be
	 * NULL. */
	void (*notify)(void *arg);
	void *notify_arg;
};

struct dns_cache_stats {
	uint64_t lookups;  /* answered at once, fresh or not */
	uint64_t pending;  /* lookups answered DNS_PENDING */
	uint64_t queries;  /* names asked of the network */
	uint64_t answers;  /* observations held, loaded ones included */
	uint64_t loaded;   /* observations read by dns_cache_load */
	uint64_t failures; /* queries that gave DNS_TEMPFAIL */
};

/* dns_cache_new makes a cache and, when |cfg->live|, its resolver and
 * thread.  On failure it returns -1 with |*why| set to a static text. */
int dns_cache_new(struct dns_cache **out, const struct dns_cache_config *cfg,
    const char **why);

/* dns_cache_free stops the thread (queries still in flight are dropped)
 * and frees everything; NULL is accepted. */
void dns_cache_free(struct dns_cache *c);

/* dns_cache_load adds the observations of |text|, a file dns_cache_dump
 * wrote.  Call before the first lookup. */
bool dns_cache_load(
    struct dns_cache *c, struct span text, struct zone_error *err);

/* dns_cache_view returns a view answering from |c| that records its
 * pending lookups in |waits| (one per thread). */
struct dns_view dns_cache_view(struct dns_cache *c, struct dns_waits *waits);

/* dns_cache_ready says whether the pending answer behind |handle| (from a
 * struct dns_waits) has come in. */
bool dns_cache_ready(const void *handle);

/* dns_cache_dump writes every observation as text through |put|, sorted by
 * name, type and fetch time.  Call once no lookup runs.  Returns false when
 * |put| failed or memory ran out. */
bool dns_cache_dump(struct dns_cache *c,
    bool (*put)(void *arg, const void *p, size_t n), void *arg);

/* dns_cache_get_stats fills |*out|. */
void dns_cache_get_stats(struct dns_cache *c, struct dns_cache_stats *out);

#endif /* AUTHSWEEP_DNS_CACHE_H */
