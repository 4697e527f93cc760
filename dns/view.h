/*
 * view.h - the only DNS interface auth/ sees.
 *
 * A struct dns_view answers "the records of type T at name N".  It is
 * implemented by the zone-file snapshot (dns/zone.h) and, later, by the
 * shared cache over a live resolver.  Answers are immutable struct
 * dns_rrset objects owned by the view; a pointer stays valid until the view
 * is destroyed, so auth/ may keep spans into it for the whole run.
 *
 * Record data is stored in a form ready for use:
 *  - TXT: one span per record, its character-strings joined with nothing
 *    between them (RFC 6376 §3.6.2.2, RFC 7208 §3.3).
 *  - A: 4 bytes; AAAA: 16 bytes (network order).
 *  - CNAME, PTR, NS: the target name in lowercase presentation form, no
 *    trailing dot.
 *  - MX: 2 bytes of preference (network order), then the exchange name as
 *    for CNAME.
 *
 * Time: every lookup names the evaluation time it is for (seconds since the
 * epoch).  A view over dated data answers with what held then: the keys
 * archive picks the snapshot of that day, and the shared cache only reuses
 * an answer whose TTL had not run out at that time.
 *
 * Pending answers: the shared cache never blocks.  A name it has not got an
 * answer for yet gets a DNS_PENDING rrset while the query runs on the
 * cache's own thread, and the lookup adds a handle to the view's wait list
 * (struct dns_waits), so that the caller can set the work aside and take it
 * up again once dns_cache_ready says every handle is answered.
 *
 * Decoded objects: a user of the view (DKIM keys, later SPF and DMARC
 * records) may attach the result of decoding an rrset to it, once, with a
 * compare-and-swap on |decoded|.  The view frees attached objects when it
 * is destroyed.  This is how each key is decoded once per run whatever the
 * number of threads.
 */
#ifndef AUTHSWEEP_DNS_VIEW_H
#define AUTHSWEEP_DNS_VIEW_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28
};

enum dns_status {
	DNS_OK,       /* at least one record */
	DNS_NXDOMAIN, /* the name does not exist */
	DNS_NODATA,   /* the name exists, but has no record of this type */
	DNS_TEMPFAIL, /* no answer could be had: timeout, SERVFAIL, no source */
	DNS_PENDING   /* not answered yet: ask again later (see above) */
};

/* DNS_WAITS_MAX bounds the handles one piece of work collects: more than a
 * message's signatures ever need in one round.  Once it is full, further
 * pending lookups are only counted; the work comes back, finds them still
 * pending and waits for them in a later round. */
#define DNS_WAITS_MAX 16

/* struct dns_waits collects the pending lookups of one thread's work. */
struct dns_waits {
	size_t num;     /* handles stored */
	size_t pending; /* pending lookups seen, stored or not */
	const void *handles[DNS_WAITS_MAX];
};

/* dns_waits_clear empties |w|. */
static inline void
dns_waits_clear(struct dns_waits *w)
{
	w->num = 0;
	w->pending = 0;
}

/* dns_waits_add records the pending answer |handle| (duplicates are kept
 * once). */
static inline void
dns_waits_add(struct dns_waits *w, const void *handle)
{
	w->pending++;
	for (size_t i = 0; i < w->num; i++) {
		if (w->handles[i] == handle) {
			return;
		}
	}
	if (w->num < DNS_WAITS_MAX) {
		w->handles[w->num++] = handle;
	}
}

/* struct dns_decoded is the header of an object attached to an rrset; its
 * |free| releases the whole object. */
struct dns_decoded {
	void (*free)(struct dns_decoded *self);
};

/* struct dns_rrset is one answer. */
struct dns_rrset {
	enum dns_status status;
	uint32_t ttl;
	size_t num_rrs;
	const struct span *rrs; /* num_rrs records, in the order received */
	/* reason says why, for DNS_TEMPFAIL ("timeout", "SERVFAIL", ...);
	 * a static string. */
	const char *reason;
	/* decoded is set at most once, by dns_rrset_attach. */
	_Atomic(struct dns_decoded *) decoded;
};

/* struct dns_view is a source of answers. */
struct dns_view {
	/* lookup returns the answer for |name| (case-insensitive, with or
	 * without a trailing dot) and |type| at evaluation time |when|.  It
	 * never returns NULL: a name the view cannot answer for gets a
	 * DNS_TEMPFAIL rrset.  Borrowed; valid until the view is destroyed.
	 * A DNS_PENDING answer adds its handle to |waits|. */
	const struct dns_rrset *(*lookup)(const struct dns_view *v,
	    struct span name, enum dns_type type, int64_t when);
	void *ctx;
	/* waits: where pending lookups are recorded; one per thread.  A view
	 * whose lookups never pend may leave it NULL. */
	struct dns_waits *waits;
};

/* dns_view_lookup is shorthand for v->lookup(v, name, type, when). */
static inline const struct dns_rrset *
dns_view_lookup(const struct dns_view *v, struct span name, enum dns_type type,
    int64_t when)
{
	return v->lookup(v, name, type, when);
}

/* dns_rrset_get_decoded returns the object attached to |rr|, or NULL. */
static inline struct dns_decoded *
dns_rrset_get_decoded(const struct dns_rrset *rr)
{
	return atomic_load_explicit(
	    &((struct dns_rrset *)rr)->decoded, memory_order_acquire);
}

/* dns_rrset_attach attaches |obj| to |rr| unless another object was attached
 * first.  It returns the object that is attached afterwards: |obj| if it
 * won, otherwise the earlier one, in which case the caller still owns |obj|
 * and must free it. */
static inline struct dns_decoded *
dns_rrset_attach(const struct dns_rrset *rr, struct dns_decoded *obj)
{
	struct dns_decoded *expected = NULL;
	struct dns_rrset *m = (struct dns_rrset *)rr;
	if (atomic_compare_exchange_strong_explicit(&m->decoded, &expected, obj,
	        memory_order_acq_rel, memory_order_acquire)) {
		return obj;
	}
	return expected;
}

/* dns_rrset_free_decoded frees the object attached to |rr|, if any.  Only
 * the owner of the view calls it, at teardown. */
static inline void
dns_rrset_free_decoded(struct dns_rrset *rr)
{
	struct dns_decoded *d = atomic_exchange(&rr->decoded, NULL);
	if (d != NULL) {
		d->free(d);
	}
}

#endif /* AUTHSWEEP_DNS_VIEW_H */
