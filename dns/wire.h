/*
 * wire.h - reading a DNS response message (RFC 1035 §4.1) into an answer.
 *
 * The live resolver hands over the raw response; this is the only code
 * that reads it, with explicit bounds throughout.  It takes the records of
 * the asked type from the answer section (whatever their owner, so that
 * the target of a CNAME chain counts), their smallest TTL, and for a
 * negative answer the TTL that RFC 2308 §5 gives it: the smaller of the
 * SOA record's TTL and its MINIMUM field, from the authority section.
 *
 * Record data is stored as dns/view.h describes; TXT, A and AAAA are
 * supported (the types DKIM, SPF and DMARC fetch as data), other types
 * give DNS_TEMPFAIL "type not supported".
 */
#ifndef AUTHSWEEP_DNS_WIRE_H
#define AUTHSWEEP_DNS_WIRE_H

#include "canon/span.h"
#include "dns/view.h"

/* DNS_WIRE_MAX_RRS bounds the records kept from one answer (more is an
 * answer no mail domain publishes; they are dropped). */
#define DNS_WIRE_MAX_RRS 64

/* DNS_NEGATIVE_TTL_NONE is the TTL of a negative answer without an SOA
 * record: RFC 2308 §5 says not to cache it. */
#define DNS_NEGATIVE_TTL_NONE 0

/* dns_wire_answer reads the response |msg| to a query for |type| and
 * returns a new rrset (free it with dns_wire_free), or NULL when out of
 * memory.  A response that cannot be read gives DNS_TEMPFAIL with reason
 * "malformed answer"; SERVFAIL, REFUSED and other error codes give
 * DNS_TEMPFAIL with the code's name. */
struct dns_rrset *dns_wire_answer(struct span msg, enum dns_type type);

/* dns_wire_empty returns a new rrset without records: |status| (not
 * DNS_OK), |ttl| and |reason| (a static string or NULL); NULL when out of
 * memory.  dns_wire_tempfail is dns_wire_empty(DNS_TEMPFAIL, 0, reason). */
struct dns_rrset *dns_wire_empty(
    enum dns_status status, uint32_t ttl, const char *reason);
struct dns_rrset *dns_wire_tempfail(const char *reason);

/* dns_wire_free frees an rrset made here, and any object attached to it. */
void dns_wire_free(struct dns_rrset *rr);

#endif /* AUTHSWEEP_DNS_WIRE_H */
