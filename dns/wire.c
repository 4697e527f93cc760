/*
 * wire.c - reading a DNS response message (see wire.h).
 *
 * The rrset, its span array and the record bytes live in one allocation.
 */
#include "dns/wire.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* WIRE_MAX_LABELS bounds the labels (and compression pointers) followed
 * while skipping one name: a name has at most 127 labels. */
#define WIRE_MAX_LABELS 128

struct reader {
	const uint8_t *p;
	size_t len, pos;
	bool bad;
};

static uint32_t
get(struct reader *r, size_t n)
{
	if (r->bad || r->len - r->pos < n) {
		r->bad = true;
		return 0;
	}
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		v = v << 8 | r->p[r->pos + i];
	}
	r->pos += n;
	return v;
}

static void
skip(struct reader *r, size_t n)
{
	if (r->bad || r->len - r->pos < n) {
		r->bad = true;
		return;
	}
	r->pos += n;
}

/* skip_name moves past one encoded name: labels ending in a zero byte or
 * in a compression pointer (whose target is not followed: the name
 * itself is not needed). */
static void
skip_name(struct reader *r)
{
	for (int i = 0; i < WIRE_MAX_LABELS && !r->bad; i++) {
		uint32_t len = get(r, 1);
		if (len == 0) {
			return;
		}
		if ((len & 0xC0) == 0xC0) {
			skip(r, 1);
			return;
		}
		if ((len & 0xC0) != 0) {
			break; /* the reserved label types 01 and 10 */
		}
		skip(r, len);
	}
	r->bad = true;
}

struct rr {
	uint32_t type, class_, ttl;
	struct span rdata;
};

static void
read_rr(struct reader *r, struct rr *rr)
{
	skip_name(r);
	rr->type = get(r, 2);
	rr->class_ = get(r, 2);
	rr->ttl = get(r, 4);
	/* RFC 2181 §8: a TTL with the top bit set is read as zero. */
	if (rr->ttl & 0x80000000u) {
		rr->ttl = 0;
	}
	uint32_t n = get(r, 2);
	size_t at = r->pos;
	skip(r, n);
	rr->rdata = r->bad ? span_make(NULL, 0) : span_make(r->p + at, n);
}

/* txt_len returns the length of a TXT record's strings joined, or -1 when
 * the strings overrun the record data (RFC 1035 §3.3.14). */
static long
txt_len(struct span rd)
{
	size_t i = 0, n = 0;
	while (i < rd.len) {
		size_t k = rd.p[i];
		if (rd.len - i - 1 < k) {
			return -1;
		}
		n += k;
		i += 1 + k;
	}
	return (long)n;
}

static size_t
txt_join(struct span rd, uint8_t *out)
{
	size_t i = 0, n = 0;
	while (i < rd.len) {
		size_t k = rd.p[i];
		memcpy(out + n, rd.p + i + 1, k);
		n += k;
		i += 1 + k;
	}
	return n;
}

static struct dns_rrset *
new_rrset(size_t num, size_t bytes)
{
	struct dns_rrset *rs = calloc(
	    1, sizeof(*rs) + num * sizeof(struct span) + (bytes ? bytes : 1));
	if (rs == NULL) {
		return NULL;
	}
	atomic_init(&rs->decoded, NULL);
	rs->rrs = (const struct span *)(rs + 1);
	return rs;
}

struct dns_rrset *
dns_wire_empty(enum dns_status status, uint32_t ttl, const char *reason)
{
	struct dns_rrset *rs = new_rrset(0, 0);
	if (rs != NULL) {
		rs->status = status;
		rs->ttl = ttl;
		rs->reason = reason;
	}
	return rs;
}

struct dns_rrset *
dns_wire_tempfail(const char *reason)
{
	return dns_wire_empty(DNS_TEMPFAIL, 0, reason);
}

void
dns_wire_free(struct dns_rrset *rr)
{
	if (rr != NULL) {
		dns_rrset_free_decoded(rr);
		free(rr);
	}
}

static const char *
rcode_name(uint32_t rcode)
{
	switch (rcode) {
	case 1:
		return "FORMERR";
	case 2:
		return "SERVFAIL";
	case 4:
		return "NOTIMP";
	case 5:
		return "REFUSED";
	default:
		return "DNS error code";
	}
}

/* rdata_len returns the stored length of record data |rd| of |type|, or
 * -1 when it is malformed. */
static long
rdata_len(enum dns_type type, struct span rd)
{
	switch (type) {
	case DNS_T_TXT:
		return txt_len(rd);
	case DNS_T_A:
		return rd.len == 4 ? 4 : -1;
	case DNS_T_AAAA:
		return rd.len == 16 ? 16 : -1;
	default:
		return -1;
	}
}

struct dns_rrset *
dns_wire_answer(struct span msg, enum dns_type type)
{
	if (type != DNS_T_TXT && type != DNS_T_A && type != DNS_T_AAAA) {
		return dns_wire_tempfail("type not supported");
	}
	struct reader r = { msg.p, msg.len, 0, false };
	skip(&r, 2); /* id */
	uint32_t flags = get(&r, 2);
	uint32_t qd = get(&r, 2), an = get(&r, 2), ns = get(&r, 2);
	skip(&r, 2); /* additional records: not read */
	if (r.bad || (flags & 0x8000) == 0) {
		return dns_wire_tempfail("malformed answer");
	}
	uint32_t rcode = flags & 0xF;
	if (rcode != 0 && rcode != 3) {
		return dns_wire_tempfail(rcode_name(rcode));
	}
	for (uint32_t i = 0; i < qd && !r.bad; i++) {
		skip_name(&r);
		skip(&r, 4);
	}

	/* First pass: count and size the records of the asked type. */
	size_t answers_at = r.pos, num = 0, bytes = 0;
	uint32_t ttl = UINT32_MAX;
	for (uint32_t i = 0; i < an && !r.bad; i++) {
		struct rr rr;
		read_rr(&r, &rr);
		if (r.bad || rr.type != (uint32_t)type || rr.class_ != 1) {
			continue;
		}
		long n = rdata_len(type, rr.rdata);
		if (n < 0) {
			return dns_wire_tempfail("malformed answer");
		}
		if (num < DNS_WIRE_MAX_RRS) {
			num++;
			bytes += (size_t)n;
			ttl = rr.ttl < ttl ? rr.ttl : ttl;
		}
	}
	/* Negative answers: the SOA in the authority section. */
	uint32_t neg_ttl = DNS_NEGATIVE_TTL_NONE;
	for (uint32_t i = 0; i < ns && !r.bad; i++) {
		struct rr rr;
		read_rr(&r, &rr);
		if (!r.bad && rr.type == DNS_T_SOA && rr.rdata.len >= 4) {
			const uint8_t *m = rr.rdata.p + rr.rdata.len - 4;
			uint32_t minimum = (uint32_t)m[0] << 24 |
			    (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
			neg_ttl = rr.ttl < minimum ? rr.ttl : minimum;
		}
	}
	if (r.bad) {
		return dns_wire_tempfail("malformed answer");
	}

	if (rcode == 3 || num == 0) {
		return dns_wire_empty(
		    rcode == 3 ? DNS_NXDOMAIN : DNS_NODATA, neg_ttl, NULL);
	}
	struct dns_rrset *rs = new_rrset(num, bytes);
	if (rs == NULL) {
		return NULL;
	}
	/* Second pass: copy them. */
	struct span *spans = (struct span *)(rs + 1);
	uint8_t *data = (uint8_t *)(spans + num);
	r.pos = answers_at;
	for (uint32_t i = 0; i < an && rs->num_rrs < num; i++) {
		struct rr rr;
		read_rr(&r, &rr);
		if (rr.type != (uint32_t)type || rr.class_ != 1) {
			continue;
		}
		size_t n = type == DNS_T_TXT
		    ? txt_join(rr.rdata, data)
		    : (memcpy(data, rr.rdata.p, rr.rdata.len), rr.rdata.len);
		spans[rs->num_rrs++] = span_make(data, n);
		data += n;
	}
	rs->status = DNS_OK;
	rs->ttl = ttl;
	return rs;
}
