/*
 * test_dnswire.c - reading DNS responses (dns/wire.h).
 *
 * Responses are built here byte by byte: the records of the asked type
 * are taken whatever else the answer holds, negative answers get their
 * RFC 2308 TTL, error codes and every malformation give a clear
 * DNS_TEMPFAIL, and no prefix of a valid response is read past its end.
 */
#include "tests/harness.h"

#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

struct pkt {
	uint8_t b[1024];
	size_t n;
};

static void
put(struct pkt *p, const void *d, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void
u16(struct pkt *p, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 2);
}

static void
u32(struct pkt *p, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 4);
}

/* name writes "s1._domainkey.example.com" style names label by label. */
static void
name(struct pkt *p, const char *dotted)
{
	const char *s = dotted;
	while (*s != '\0') {
		const char *dot = s;
		while (*dot != '\0' && *dot != '.') {
			dot++;
		}
		uint8_t len = (uint8_t)(dot - s);
		put(p, &len, 1);
		put(p, s, len);
		s = *dot == '.' ? dot + 1 : dot;
	}
	put(p, "", 1);
}

static void
header(struct pkt *p, unsigned flags, unsigned an, unsigned ns)
{
	p->n = 0;
	u16(p, 0x1234);
	u16(p, flags);
	u16(p, 1);
	u16(p, an);
	u16(p, ns);
	u16(p, 0);
	name(p, "s1._domainkey.example.com");
	u16(p, DNS_T_TXT);
	u16(p, 1);
}

/* rr writes a record whose owner is a pointer to the question name. */
static void
rr(struct pkt *p, unsigned type, uint32_t ttl, const void *rd, size_t n)
{
	u16(p, 0xC00C);
	u16(p, type);
	u16(p, 1);
	u32(p, ttl);
	u16(p, (unsigned)n);
	put(p, rd, n);
}

static struct dns_rrset *
parse(const struct pkt *p, enum dns_type t)
{
	struct dns_rrset *rs = dns_wire_answer(span_make(p->b, p->n), t);
	assert_non_null(rs);
	return rs;
}

static void
test_txt_strings_joined_records_kept(void **state)
{
	(void)state;
	struct pkt p;
	header(&p, 0x8180, 3, 0);
	static const uint8_t cname[] = { 3, 'f', 'o', 'o', 0 };
	rr(&p, DNS_T_CNAME, 10, cname, sizeof(cname));
	static const uint8_t t1[] = { 5, 'v', '=', 'D', 'K', 'I', 3, 'M', '1',
		';' };
	rr(&p, DNS_T_TXT, 3600, t1, sizeof(t1));
	static const uint8_t t2[] = { 0, 2, 'h', 'i' };
	rr(&p, DNS_T_TXT, 300, t2, sizeof(t2));
	struct dns_rrset *rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_OK);
	assert_int_equal(rs->num_rrs, 2);
	assert_span_equal(rs->rrs[0], "v=DKIM1;", 8);
	assert_span_equal(rs->rrs[1], "hi", 2);
	assert_int_equal(rs->ttl, 300);
	dns_wire_free(rs);

	/* The same response asked as A has no A record: NODATA. */
	rs = parse(&p, DNS_T_A);
	assert_int_equal(rs->status, DNS_NODATA);
	dns_wire_free(rs);
}

/* Record data is bytes: a NUL inside a TXT string, or an A address with
 * zero bytes, is kept as it is. */
static void
test_nul_bytes_are_data(void **state)
{
	(void)state;
	struct pkt p;
	header(&p, 0x8180, 1, 0);
	static const uint8_t t[] = { 5, 'p', '=', 0, 'x', 0, 1, 'y' };
	rr(&p, DNS_T_TXT, 60, t, sizeof(t));
	struct dns_rrset *rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_OK);
	assert_span_equal(rs->rrs[0], "p=\0x\0y", 6);
	dns_wire_free(rs);
	header(&p, 0x8180, 1, 0);
	rr(&p, DNS_T_A, 60, "\0\0\0\0", 4);
	rs = parse(&p, DNS_T_A);
	assert_int_equal(rs->status, DNS_OK);
	assert_memory_equal(rs->rrs[0].p, "\0\0\0\0", 4);
	dns_wire_free(rs);
}

static void
test_negative_answers_and_their_ttl(void **state)
{
	(void)state;
	struct pkt p;
	/* NXDOMAIN with an SOA: TTL = min(SOA TTL, MINIMUM). */
	header(&p, 0x8183, 0, 1);
	struct pkt soa = { .n = 0 };
	name(&soa, "ns.example.com");
	name(&soa, "hostmaster.example.com");
	u32(&soa, 1);
	u32(&soa, 7200);
	u32(&soa, 900);
	u32(&soa, 86400);
	u32(&soa, 600); /* MINIMUM */
	rr(&p, DNS_T_SOA, 3600, soa.b, soa.n);
	struct dns_rrset *rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_NXDOMAIN);
	assert_int_equal(rs->ttl, 600);
	dns_wire_free(rs);

	/* NOERROR, no answer, SOA TTL smaller than MINIMUM. */
	header(&p, 0x8180, 0, 1);
	rr(&p, DNS_T_SOA, 60, soa.b, soa.n);
	rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_NODATA);
	assert_int_equal(rs->ttl, 60);
	dns_wire_free(rs);

	/* Without an SOA, a negative answer is not to be cached. */
	header(&p, 0x8183, 0, 0);
	rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_NXDOMAIN);
	assert_int_equal(rs->ttl, DNS_NEGATIVE_TTL_NONE);
	dns_wire_free(rs);
}

static void
test_error_codes_are_tempfail(void **state)
{
	(void)state;
	static const struct {
		unsigned rcode;
		const char *reason;
	} cases[] = { { 1, "FORMERR" }, { 2, "SERVFAIL" }, { 4, "NOTIMP" },
		{ 5, "REFUSED" }, { 9, "DNS error code" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt p;
		header(&p, 0x8180 | cases[i].rcode, 0, 0);
		struct dns_rrset *rs = parse(&p, DNS_T_TXT);
		assert_int_equal(rs->status, DNS_TEMPFAIL);
		assert_string_equal(rs->reason, cases[i].reason);
		dns_wire_free(rs);
	}
}

static void
test_malformed_answers(void **state)
{
	(void)state;
	struct pkt p;
	/* A TXT string longer than its record. */
	header(&p, 0x8180, 1, 0);
	static const uint8_t over[] = { 9, 'a', 'b' };
	rr(&p, DNS_T_TXT, 60, over, sizeof(over));
	struct dns_rrset *rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	assert_string_equal(rs->reason, "malformed answer");
	dns_wire_free(rs);

	/* An A record of 5 bytes. */
	header(&p, 0x8180, 1, 0);
	rr(&p, DNS_T_A, 60, "\1\2\3\4\5", 5);
	rs = parse(&p, DNS_T_A);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	dns_wire_free(rs);

	/* A query, not a response (QR clear). */
	header(&p, 0x0100, 0, 0);
	rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	dns_wire_free(rs);

	/* A name with a reserved label type, and one without an end. */
	header(&p, 0x8180, 1, 0);
	p.n = 12;
	put(&p, "\x41", 1);
	rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	dns_wire_free(rs);
	header(&p, 0x8180, 0, 0);
	p.n = 12;
	for (int i = 0; i < 200; i++) {
		put(&p, "\1a", 2);
	}
	rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	dns_wire_free(rs);

	/* A type this reader does not store. */
	header(&p, 0x8180, 0, 0);
	rs = parse(&p, DNS_T_MX);
	assert_string_equal(rs->reason, "type not supported");
	dns_wire_free(rs);
}

/* Every cut of a valid response is read within its bounds and gives a
 * temporary failure (the counts promise more than is there). */
/* rr_at writes a record whose owner is written out in full. */
static void
rr_at(struct pkt *p, const char *owner, unsigned type, const void *rd, size_t n)
{
	name(p, owner);
	u16(p, type);
	u16(p, 1);
	u32(p, 60);
	u16(p, (unsigned)n);
	put(p, rd, n);
}

/* wire_name encodes |dotted| (which may hold a NUL: |len| bytes) as a
 * name into |out|; returns its length. */
static size_t
wire_name(uint8_t *out, const char *dotted, size_t len)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || dotted[i] == '.') {
			out[n++] = (uint8_t)(i - start);
			memcpy(out + n, dotted + start, i - start);
			n += i - start;
			start = i + 1;
		}
	}
	out[n++] = 0;
	return n;
}

/* A server that does not recurse answers only the aliases it holds; the
 * caller is told where the chain leads, or gets a clear failure. */
static void
test_cname_chains_to_follow(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		unsigned rcode;
		const char *target; /* of the question name's CNAME */
		size_t target_len;
		const char *second_owner; /* a second CNAME, or NULL */
		const char *second_target;
		bool txt; /* a TXT record at the end of the chain */
		enum dns_status status;
		const char *chase; /* NULL: nothing to follow */
	} cases[] = {
		{ "one alias out of the zone", 0, "key.other.test", 14, NULL,
		    NULL, false, DNS_NODATA, "key.other.test" },
		{ "two aliases, the end out of the zone", 0, "a.example.com",
		    13, "a.example.com", "b.other.test", false, DNS_NODATA,
		    "b.other.test" },
		{ "the chain ends in records", 0, "a.example.com", 13, NULL,
		    NULL, true, DNS_OK, NULL },
		{ "NXDOMAIN at the end: final", 3, "a.example.com", 13, NULL,
		    NULL, false, DNS_NXDOMAIN, NULL },
		{ "a loop", 0, "a.example.com", 13, "a.example.com",
		    "s1._domainkey.example.com", false, DNS_TEMPFAIL, NULL },
		{ "a NUL byte in the target", 0, "a\0b.example.com", 15, NULL,
		    NULL, false, DNS_TEMPFAIL, NULL },
		{ "a target with a space", 0, "a b.example.com", 15, NULL, NULL,
		    false, DNS_TEMPFAIL, NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case: %s\n", cases[i].what);
		struct pkt p;
		unsigned an =
		    1 + (cases[i].second_owner != NULL) + cases[i].txt;
		header(&p, 0x8180 | cases[i].rcode, an, 0);
		uint8_t rd[300];
		size_t n = wire_name(rd, cases[i].target, cases[i].target_len);
		rr(&p, DNS_T_CNAME, 60, rd, n);
		if (cases[i].second_owner != NULL) {
			n = wire_name(rd, cases[i].second_target,
			    strlen(cases[i].second_target));
			rr_at(&p, cases[i].second_owner, DNS_T_CNAME, rd, n);
		}
		if (cases[i].txt) {
			static const uint8_t t[] = { 2, 'h', 'i' };
			rr_at(&p, cases[i].target, DNS_T_TXT, t, sizeof(t));
		}
		struct dns_wire_chase chase;
		struct dns_rrset *rs = dns_wire_answer_chase(
		    span_make(p.b, p.n), DNS_T_TXT, &chase);
		assert_non_null(rs);
		assert_int_equal(rs->status, cases[i].status);
		if (cases[i].chase == NULL) {
			assert_int_equal(chase.len, 0);
		} else {
			assert_span_equal(span_make(chase.name, chase.len),
			    cases[i].chase, strlen(cases[i].chase));
		}
		dns_wire_free(rs);
	}
}

static void
test_every_prefix_is_tempfail(void **state)
{
	(void)state;
	struct pkt p;
	header(&p, 0x8180, 2, 0);
	static const uint8_t t1[] = { 3, 'a', 'b', 'c' };
	rr(&p, DNS_T_TXT, 60, t1, sizeof(t1));
	rr(&p, DNS_T_TXT, 0x80000001u, t1, sizeof(t1));
	struct dns_rrset *rs = parse(&p, DNS_T_TXT);
	assert_int_equal(rs->status, DNS_OK);
	assert_int_equal(rs->num_rrs, 2);
	assert_int_equal(rs->ttl, 0); /* RFC 2181 §8: top bit set = 0 */
	dns_wire_free(rs);
	for (size_t n = 0; n < p.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, p.b, n);
		rs = dns_wire_answer(span_make(copy, n), DNS_T_TXT);
		assert_non_null(rs);
		assert_int_equal(rs->status, DNS_TEMPFAIL);
		dns_wire_free(rs);
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt_strings_joined_records_kept),
		cmocka_unit_test(test_nul_bytes_are_data),
		cmocka_unit_test(test_negative_answers_and_their_ttl),
		cmocka_unit_test(test_error_codes_are_tempfail),
		cmocka_unit_test(test_malformed_answers),
		cmocka_unit_test(test_cname_chains_to_follow),
		cmocka_unit_test(test_every_prefix_is_tempfail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
