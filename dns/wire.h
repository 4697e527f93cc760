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

/* DNS_WIRE_MAX_NAME is the longest name in presentation form, without the
 * final dot. */
#define DNS_WIRE_MAX_NAME 253

/* struct dns_wire_chase names where a CNAME chain that an answer left
 * unfinished leads. */
struct dns_wire_chase {
	size_t len; /* 0: nothing to follow */
	uint8_t name[DNS_WIRE_MAX_NAME];
};

/* dns_wire_answer_chase is dns_wire_answer that also reports, in |*chase|,
 * the last name of a CNAME chain when the answer holds aliases but no
 * record of |type| (a server that does not recurse answers only the part
 * of a chain it holds); the caller then asks for that name.  The answer
 * returned is then DNS_NODATA, to be replaced by the follow-up's.  A chain
 * that loops or cannot be read gives DNS_TEMPFAIL "CNAME loop or bad
 * CNAME". */
struct dns_rrset *dns_wire_answer_chase(
    struct span msg, enum dns_type type, struct dns_wire_chase *chase);

/* dns_wire_empty returns a new rrset without records: |status| (not
 * DNS_OK), |ttl| and |reason| (a static string or NULL); NULL when out of
 * memory.  dns_wire_tempfail is dns_wire_empty(DNS_TEMPFAIL, 0, reason). */
struct dns_rrset *dns_wire_empty(
    enum dns_status status, uint32_t ttl, const char *reason);
struct dns_rrset *dns_wire_tempfail(const char *reason);

/* dns_wire_build returns a new rrset holding copies of |num| records
 * |rrs| and of |reason| (empty for none), freed with dns_wire_free; NULL
 * when out of memory. */
struct dns_rrset *dns_wire_build(enum dns_status status, uint32_t ttl,
    struct span reason, const struct span *rrs, size_t num);

/* dns_wire_free frees an rrset made here, and any object attached to it. */
void dns_wire_free(struct dns_rrset *rr);

#endif /* AUTHSWEEP_DNS_WIRE_H */
