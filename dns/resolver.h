/*
 * resolver.h - asynchronous DNS queries through c-ares.
 *
 * A resolver owns one c-ares channel and belongs to the one thread that
 * calls it (the shared key cache runs it on a thread of its own).  Queries
 * are started with dns_resolver_query and answered, in any order, by the
 * callbacks that dns_resolver_run calls; many are in flight at once.
 * c-ares retries on timeout, and asks again over TCP when a UDP answer
 * comes back truncated.
 *
 * Answers are dns/view.h rrsets made by dns/wire.c from the raw response,
 * so that TTLs (negative ones too) are known.  When there is no response
 * at all, the answer is DNS_TEMPFAIL with the reason: "timeout",
 * "connection refused", "SERVFAIL", "REFUSED", ...
 */
#ifndef AUTHSWEEP_DNS_RESOLVER_H
#define AUTHSWEEP_DNS_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include "canon/span.h"
#include "dns/view.h"

struct dns_resolver;

struct dns_resolver_config {
	/* server: "IP", "IP:PORT" or "[IPv6]:PORT"; NULL for the servers of
	 * the system (/etc/resolv.conf). */
	const char *server;
	/* timeout_ms: the first try's timeout (c-ares lengthens later
	 * rounds); 0 for 2000.  tries: 0 for 3. */
	unsigned timeout_ms;
	unsigned tries;
	/* edns: advertise EDNS0 with a 1232-byte UDP size.  Without it, an
	 * answer over 512 bytes comes truncated and is asked again over
	 * TCP. */
	bool edns;
};

/* dns_resolver_cb receives |answer|, which it then owns (dns_wire_free). */
typedef void dns_resolver_cb(void *arg, struct dns_rrset *answer);

/* dns_resolver_new makes a resolver.  On failure it returns -1 and sets
 * |*why| to a static description (a bad server string, no resolv.conf). */
int dns_resolver_new(struct dns_resolver **out,
    const struct dns_resolver_config *cfg, const char **why);

/* dns_resolver_free ends every query still in flight (its callback gets
 * DNS_TEMPFAIL "cancelled") and frees |r|. */
void dns_resolver_free(struct dns_resolver *r);

/* dns_resolver_query starts a query for |type| records at |name| (with or
 * without a final dot).  The callback runs from a later dns_resolver_run,
 * or at once with DNS_TEMPFAIL for a name that cannot be asked. */
void dns_resolver_query(struct dns_resolver *r, struct span name,
    enum dns_type type, dns_resolver_cb *cb, void *arg);

/* dns_resolver_pending returns the number of queries in flight. */
size_t dns_resolver_pending(const struct dns_resolver *r);

/* dns_resolver_run waits up to |timeout_ms| for the network, handles what
 * arrived and what timed out (calling callbacks), and returns the number
 * of queries still in flight. */
size_t dns_resolver_run(struct dns_resolver *r, int timeout_ms);

/* dns_resolver_run_wake is dns_resolver_run that also returns early when
 * |wake_fd| (an eventfd, or -1) becomes readable; it does not read it. */
size_t dns_resolver_run_wake(
    struct dns_resolver *r, int timeout_ms, int wake_fd);

#endif /* AUTHSWEEP_DNS_RESOLVER_H */
