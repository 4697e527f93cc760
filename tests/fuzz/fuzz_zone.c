/*
 * fuzz_zone.c - the master-file reader on arbitrary bytes.
 *
 * The input is read as zone text.  Whatever it holds, zone_add_text must
 * return without crashing.  When the text is accepted, the first word of
 * each line and a few fixed names are looked up with every stored type.
 * Lookups never return NULL; a DNS_OK answer has records of the shape
 * dns/view.h promises and a negative answer has none; a lookup ignores case
 * and a trailing dot.  Adding the same text a second time must succeed and
 * change no answer, since repeated records are dropped.
 */
#include <stdbool.h>
#include <string.h>

#include "canon/limits.h"
#include "dns/zone.h"
#include "tests/fuzz/fuzz.h"

/* FUZZ_MAX_NAMES caps the names looked up per input. */
#define FUZZ_MAX_NAMES 64

static const enum dns_type qtypes[] = { DNS_T_A, DNS_T_NS, DNS_T_CNAME,
	DNS_T_SOA, DNS_T_PTR, DNS_T_MX, DNS_T_TXT, DNS_T_AAAA };

#define NUM_QTYPES (sizeof(qtypes) / sizeof(qtypes[0]))

struct answer {
	const struct dns_rrset *rr;
	enum dns_status status;
	size_t num_rrs;
	uint32_t ttl;
};

static void
check_rrset(const struct dns_rrset *rr, enum dns_type type)
{
	FUZZ_CHECK(rr != NULL);
	if (rr->status != DNS_OK) {
		FUZZ_CHECK(
		    rr->status == DNS_NXDOMAIN || rr->status == DNS_NODATA);
		FUZZ_CHECK(rr->num_rrs == 0);
		return;
	}
	FUZZ_CHECK(rr->num_rrs >= 1 && rr->rrs != NULL);
	FUZZ_CHECK(rr->ttl <= ZONE_MAX_TTL);
	for (size_t i = 0; i < rr->num_rrs; i++) {
		size_t len = rr->rrs[i].len;
		FUZZ_CHECK(len <= DNS_MAX_RDATA);
		FUZZ_CHECK(len == 0 || rr->rrs[i].p != NULL);
		if (type == DNS_T_A) {
			FUZZ_CHECK(len == 4);
		} else if (type == DNS_T_AAAA) {
			FUZZ_CHECK(len == 16);
		} else if (type == DNS_T_MX) {
			FUZZ_CHECK(len >= 2 && len <= 2 + DNS_MAX_NAME);
		} else if (type != DNS_T_TXT) {
			FUZZ_CHECK(len <= DNS_MAX_NAME);
		}
	}
}

/* variant writes |name| in upper case with a final dot into |buf| (at
 * least name.len + 1 bytes). */
static struct span
variant(uint8_t *buf, struct span name)
{
	for (size_t i = 0; i < name.len; i++) {
		uint8_t c = name.p[i];
		buf[i] = (c >= 'a' && c <= 'z') ? (uint8_t)(c - 32) : c;
	}
	size_t n = name.len;
	if (n == 0 || buf[n - 1] != '.') {
		buf[n++] = '.';
	}
	return span_make(buf, n);
}

/* ask looks |name| up with every type, checks each answer and its case
 * and dot variant, and stores or compares the answers in |ans|. */
static void
ask(struct zone *z, struct span name, struct answer *ans, bool compare)
{
	struct dns_view v = zone_view(z);
	uint8_t buf[300];
	struct span alt = variant(buf, name);
	for (size_t k = 0; k < NUM_QTYPES; k++) {
		const struct dns_rrset *rr =
		    dns_view_lookup(&v, name, qtypes[k], 0);
		check_rrset(rr, qtypes[k]);
		FUZZ_CHECK(dns_view_lookup(&v, alt, qtypes[k], 0) == rr);
		struct answer a = { rr, rr->status, rr->num_rrs, rr->ttl };
		if (!compare) {
			ans[k] = a;
			continue;
		}
		FUZZ_CHECK(ans[k].rr == a.rr && ans[k].status == a.status &&
		    ans[k].num_rrs == a.num_rrs && ans[k].ttl == a.ttl);
	}
}

/* collect_names stores up to FUZZ_MAX_NAMES names to ask about: a few fixed
 * ones, then the first word of each line of |text|. */
static size_t
collect_names(struct span text, struct span *names)
{
	static const char *fixed[] = { "", ".", "a", "example.com",
		"sel._domainkey.example.com", "_domainkey.example.com" };
	size_t n = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		names[n++] = span_make(fixed[i], strlen(fixed[i]));
	}
	size_t off = 0;
	while (off < text.len && n < FUZZ_MAX_NAMES) {
		size_t end = off;
		while (end < text.len && text.p[end] != ' ' &&
		    text.p[end] != '\t' && text.p[end] != '\n' &&
		    end - off < 280) {
			end++;
		}
		names[n++] = span_make(text.p + off, end - off);
		while (end < text.len && text.p[end] != '\n') {
			end++;
		}
		off = end + 1;
	}
	return n;
}

FUZZ_TARGET(zone)
{
	struct zone *z = zone_new();
	FUZZ_CHECK(z != NULL);
	struct span text = span_make(data, size);
	struct zone_error err = { 0, NULL };
	if (!zone_add_text(z, text, &err)) {
		FUZZ_CHECK(err.what != NULL && err.line >= 1);
		zone_free(z);
		return 0;
	}
	struct span names[FUZZ_MAX_NAMES];
	static struct answer ans[FUZZ_MAX_NAMES][NUM_QTYPES];
	size_t num_names = collect_names(text, names);
	for (size_t i = 0; i < num_names; i++) {
		ask(z, names[i], ans[i], false);
	}
	size_t num_records = zone_num_records(z);
	FUZZ_CHECK(zone_add_text(z, text, &err));
	FUZZ_CHECK(zone_num_records(z) == num_records);
	for (size_t i = 0; i < num_names; i++) {
		ask(z, names[i], ans[i], true);
	}
	zone_free(z);
	return 0;
}
