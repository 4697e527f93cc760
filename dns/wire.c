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
	size_t owner_at; /* offset of the owner name in the message */
};

/* read_name decodes the name at |pos| of |msg|, following compression
 * pointers, into |out| (DNS_WIRE_MAX_NAME bytes) in lowercase presentation
 * form without the final dot.  Bytes that are not letters, digits, '-' or
 * '_' are refused: a name authsweep follows must be one it could ask for.
 * Returns false for a malformed or unusable name. */
static bool
read_name(struct span msg, size_t pos, uint8_t *out, size_t *out_len)
{
	size_t n = 0;
	for (int hops = 0; hops < WIRE_MAX_LABELS; hops++) {
		if (pos >= msg.len) {
			return false;
		}
		size_t len = msg.p[pos];
		if (len == 0) {
			*out_len = n;
			return true;
		}
		if ((len & 0xC0) == 0xC0) {
			if (pos + 1 >= msg.len) {
				return false;
			}
			pos = (len & 0x3F) << 8 | msg.p[pos + 1];
			continue;
		}
		if ((len & 0xC0) != 0 || msg.len - pos - 1 < len ||
		    n + (n > 0) + len > DNS_WIRE_MAX_NAME) {
			return false;
		}
		if (n > 0) {
			out[n++] = '.';
		}
		for (size_t i = 0; i < len; i++) {
			uint8_t c = msg.p[pos + 1 + i];
			if (c >= 'A' && c <= 'Z') {
				c = (uint8_t)(c - 'A' + 'a');
			}
			if (!((c >= 'a' && c <= 'z') ||
			        (c >= '0' && c <= '9') || c == '-' ||
			        c == '_')) {
				return false;
			}
			out[n++] = c;
		}
		pos += 1 + len;
	}
	return false;
}

static void
read_rr(struct reader *r, struct rr *rr)
{
	rr->owner_at = r->pos;
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

struct dns_rrset *
dns_wire_build(enum dns_status status, uint32_t ttl, struct span reason,
    const struct span *rrs, size_t num)
{
	size_t bytes = reason.len + 1;
	for (size_t i = 0; i < num; i++) {
		bytes += rrs[i].len;
	}
	struct dns_rrset *rs = new_rrset(num, bytes);
	if (rs == NULL) {
		return NULL;
	}
	struct span *spans = (struct span *)(rs + 1);
	uint8_t *data = (uint8_t *)(spans + num);
	for (size_t i = 0; i < num; i++) {
		if (rrs[i].len > 0) {
			memcpy(data, rrs[i].p, rrs[i].len);
		}
		spans[i] = span_make(data, rrs[i].len);
		data += rrs[i].len;
	}
	rs->num_rrs = num;
	rs->status = status;
	rs->ttl = ttl;
	if (reason.len > 0) {
		memcpy(data, reason.p, reason.len);
		data[reason.len] = '\0';
		rs->reason = (const char *)data;
	}
	return rs;
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

/* WIRE_MAX_CNAMES bounds the CNAME records of one answer that are read to
 * follow a chain. */
#define WIRE_MAX_CNAMES 16

/* chain_end follows the CNAME records of the answer section from the
 * question name and stores the last target in |chase|.  It returns false
 * when the chain does not resolve to a name: a loop, a malformed name or
 * more than WIRE_MAX_CNAMES links. */
static bool
chain_end(struct span msg, size_t qname_at, const size_t *cname_owner,
    const size_t *cname_target, size_t num, struct dns_wire_chase *chase)
{
	uint8_t cur[DNS_WIRE_MAX_NAME], name[DNS_WIRE_MAX_NAME];
	size_t cur_len, len;
	if (!read_name(msg, qname_at, cur, &cur_len)) {
		return false;
	}
	for (size_t step = 0; step <= num; step++) {
		size_t i;
		for (i = 0; i < num; i++) {
			if (read_name(msg, cname_owner[i], name, &len) &&
			    len == cur_len && memcmp(name, cur, len) == 0) {
				break;
			}
		}
		if (i == num) {
			if (step == 0) {
				chase->len = 0; /* no alias of the name */
				return true;
			}
			memcpy(chase->name, cur, cur_len);
			chase->len = cur_len;
			return true;
		}
		if (!read_name(msg, cname_target[i], cur, &cur_len)) {
			return false;
		}
	}
	return false; /* a loop */
}

struct dns_rrset *
dns_wire_answer(struct span msg, enum dns_type type)
{
	return dns_wire_answer_chase(msg, type, NULL);
}

struct dns_rrset *
dns_wire_answer_chase(
    struct span msg, enum dns_type type, struct dns_wire_chase *chase)
{
	if (chase != NULL) {
		chase->len = 0;
	}
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
	size_t qname_at = r.pos;
	for (uint32_t i = 0; i < qd && !r.bad; i++) {
		skip_name(&r);
		skip(&r, 4);
	}

	/* First pass: count and size the records of the asked type. */
	size_t answers_at = r.pos, num = 0, bytes = 0;
	size_t cname_owner[WIRE_MAX_CNAMES], cname_target[WIRE_MAX_CNAMES];
	size_t num_cnames = 0;
	uint32_t ttl = UINT32_MAX;
	for (uint32_t i = 0; i < an && !r.bad; i++) {
		struct rr rr;
		read_rr(&r, &rr);
		if (!r.bad && rr.type == DNS_T_CNAME && rr.class_ == 1 &&
		    num_cnames < WIRE_MAX_CNAMES) {
			cname_owner[num_cnames] = rr.owner_at;
			cname_target[num_cnames++] =
			    (size_t)(rr.rdata.p - msg.p);
		}
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

	if (rcode == 0 && num == 0 && num_cnames > 0 && qd == 1) {
		/* An alias without the records it leads to: a server that
		 * does not recurse answered only the part it holds.  The
		 * caller asks again for the chain's last name. */
		struct dns_wire_chase end;
		if (!chain_end(msg, qname_at, cname_owner, cname_target,
		        num_cnames, &end)) {
			return dns_wire_tempfail("CNAME loop or bad CNAME");
		}
		if (chase != NULL) {
			*chase = end;
		}
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
