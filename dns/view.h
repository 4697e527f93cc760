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
	DNS_TEMPFAIL  /* no answer could be had: timeout, SERVFAIL, no source */
};

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
	 * without a trailing dot) and |type|.  It never returns NULL: a name
	 * the view cannot answer for gets a DNS_TEMPFAIL rrset.  Borrowed;
	 * valid until the view is destroyed. */
	const struct dns_rrset *(*lookup)(
	    const struct dns_view *v, struct span name, enum dns_type type);
	void *ctx;
};

/* dns_view_lookup is shorthand for v->lookup(v, name, type). */
static inline const struct dns_rrset *
dns_view_lookup(const struct dns_view *v, struct span name, enum dns_type type)
{
	return v->lookup(v, name, type);
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
