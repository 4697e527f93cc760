/*
 * fuzz_dnscache.c - the DNS cache file reader and writer (dns/cache.c) on
 * arbitrary bytes.
 *
 * The input is loaded into an offline cache.  A refused input must come
 * with a message and a 1-based line.  An accepted one is dumped, the dump
 * is loaded into a second cache, which must accept it, and dumped again:
 * the two dumps must be byte for byte the same, and hold one ";@" line per
 * observation counted.  Then the names of the dump and a few fixed ones
 * are looked up with each kept type at times around each fetch time and
 * its TTL: no lookup pends or returns NULL, a DNS_OK answer has between 1
 * and DNS_WIRE_MAX_RRS records of the size its type requires, other
 * answers have none (a DNS_TEMPFAIL one may lack a reason: REASON is
 * optional in the file), and both caches answer alike.  Lookups leave
 * the dump unchanged.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns/cache.h"
#include "dns/wire.h"
#include "tests/fuzz/fuzz.h"

/* FUZZ_MAX_NAMES caps the answers of the dump looked up per input. */
#define FUZZ_MAX_NAMES 32

static const enum dns_type qtypes[] = { DNS_T_TXT, DNS_T_A, DNS_T_AAAA };

#define NUM_QTYPES (sizeof(qtypes) / sizeof(qtypes[0]))

struct text {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static bool
text_put(void *arg, const void *p, size_t n)
{
	struct text *t = arg;
	if (t->cap - t->len < n) {
		size_t cap = (t->len + n) * 2;
		uint8_t *np = realloc(t->p, cap);
		if (np == NULL) {
			return false;
		}
		t->p = np;
		t->cap = cap;
	}
	memcpy(t->p + t->len, p, n);
	t->len += n;
	return true;
}

static struct dns_cache *
new_cache(void)
{
	struct dns_cache_config cfg = { .live = false };
	struct dns_cache *c = NULL;
	const char *why = NULL;
	FUZZ_CHECK(dns_cache_new(&c, &cfg, &why) == 0 && c != NULL);
	return c;
}

static void
dump(struct dns_cache *c, struct text *out)
{
	*out = (struct text){ NULL, 0, 0 };
	FUZZ_CHECK(dns_cache_dump(c, text_put, out));
	FUZZ_CHECK(out->len > 0);
}

static bool
same_text(const struct text *a, const struct text *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static void
check_rrset(const struct dns_rrset *rr, enum dns_type type)
{
	FUZZ_CHECK(rr != NULL);
	FUZZ_CHECK(rr->status != DNS_PENDING);
	if (rr->status != DNS_OK) {
		FUZZ_CHECK(rr->status == DNS_NXDOMAIN ||
		    rr->status == DNS_NODATA || rr->status == DNS_TEMPFAIL);
		FUZZ_CHECK(rr->num_rrs == 0);
		return;
	}
	FUZZ_CHECK(rr->num_rrs >= 1 && rr->num_rrs <= DNS_WIRE_MAX_RRS);
	FUZZ_CHECK(rr->rrs != NULL);
	for (size_t i = 0; i < rr->num_rrs; i++) {
		size_t len = rr->rrs[i].len;
		FUZZ_CHECK(len == 0 || rr->rrs[i].p != NULL);
		FUZZ_CHECK(type != DNS_T_A || len == 4);
		FUZZ_CHECK(type != DNS_T_AAAA || len == 16);
		/* Touch every byte (ASan checks the bounds). */
		volatile uint8_t sink = 0;
		for (size_t k = 0; k < len; k++) {
			sink ^= rr->rrs[i].p[k];
		}
		(void)sink;
	}
}

static bool
same_answer(const struct dns_rrset *x, const struct dns_rrset *y)
{
	if (x->status != y->status || x->ttl != y->ttl ||
	    x->num_rrs != y->num_rrs) {
		return false;
	}
	for (size_t i = 0; i < x->num_rrs; i++) {
		if (!span_eq(x->rrs[i], y->rrs[i])) {
			return false;
		}
	}
	if (x->reason == NULL || y->reason == NULL) {
		return x->reason == y->reason;
	}
	return strcmp(x->reason, y->reason) == 0;
}

/* ask looks |name| up at |when| in both caches, checks the answers and
 * that they agree. */
static void
ask(struct dns_cache *c1, struct dns_cache *c2, struct span name, int64_t when)
{
	for (size_t k = 0; k < NUM_QTYPES; k++) {
		struct dns_waits w1, w2;
		dns_waits_clear(&w1);
		dns_waits_clear(&w2);
		struct dns_view v1 = dns_cache_view(c1, &w1);
		struct dns_view v2 = dns_cache_view(c2, &w2);
		const struct dns_rrset *r1 =
		    dns_view_lookup(&v1, name, qtypes[k], when);
		const struct dns_rrset *r2 =
		    dns_view_lookup(&v2, name, qtypes[k], when);
		check_rrset(r1, qtypes[k]);
		check_rrset(r2, qtypes[k]);
		FUZZ_CHECK(w1.pending == 0 && w2.pending == 0);
		FUZZ_CHECK(same_answer(r1, r2));
	}
}

/* word takes the next word of |*s| (blank-separated). */
static struct span
word(struct span *s)
{
	while (s->len > 0 && s->p[0] == ' ') {
		(void)span_skip(s, 1);
	}
	size_t n = 0;
	while (n < s->len && s->p[n] != ' ') {
		n++;
	}
	struct span w = span_make(s->p, n);
	(void)span_skip(s, n);
	return w;
}

/* number reads a decimal word of the dump (it wrote it); 0 otherwise. */
static int64_t
number(struct span w)
{
	bool neg = w.len > 0 && w.p[0] == '-';
	int64_t v = 0;
	for (size_t i = neg ? 1 : 0; i < w.len && i < 19; i++) {
		if (w.p[i] < '0' || w.p[i] > '9') {
			return 0;
		}
		v = v * 10 + (w.p[i] - '0');
	}
	return neg ? -v : v;
}

/* ask_dump looks up the answers the dump |d| names, at times around their
 * fetch time and TTL, and returns how many ";@" lines it holds. */
static size_t
ask_dump(struct dns_cache *c1, struct dns_cache *c2, const struct text *d)
{
	size_t num_meta = 0, asked = 0;
	size_t off = 0;
	while (off < d->len) {
		size_t end = off;
		while (end < d->len && d->p[end] != '\n') {
			end++;
		}
		struct span line = span_make(d->p + off, end - off);
		off = end + 1;
		if (line.len < 2 || line.p[0] != ';' || line.p[1] != '@') {
			continue;
		}
		num_meta++;
		if (asked == FUZZ_MAX_NAMES) {
			continue;
		}
		asked++;
		(void)span_skip(&line, 2);
		int64_t fetched = number(word(&line));
		(void)word(&line); /* status */
		struct span name = word(&line);
		(void)word(&line); /* type */
		int64_t ttl = number(word(&line));
		const int64_t whens[] = { fetched - 1, fetched,
			fetched + ttl - 1, fetched + ttl, INT64_MAX };
		for (size_t i = 0; i < sizeof(whens) / sizeof(whens[0]); i++) {
			ask(c1, c2, name, whens[i]);
		}
	}
	return num_meta;
}

FUZZ_TARGET(dnscache)
{
	struct dns_cache *c1 = new_cache();
	struct zone_error err = { 0, NULL };
	if (!dns_cache_load(c1, span_make(data, size), &err)) {
		FUZZ_CHECK(err.what != NULL);
		FUZZ_CHECK(err.line >= 1 && err.line <= size + 1);
		dns_cache_free(c1);
		return 0;
	}
	struct text d1, d2, d3;
	dump(c1, &d1);
	struct dns_cache *c2 = new_cache();
	FUZZ_CHECK(dns_cache_load(c2, span_make(d1.p, d1.len), &err));
	dump(c2, &d2);
	FUZZ_CHECK(same_text(&d1, &d2));

	struct dns_cache_stats st1, st2;
	dns_cache_get_stats(c1, &st1);
	dns_cache_get_stats(c2, &st2);
	FUZZ_CHECK(st1.loaded == st1.answers && st2.loaded == st2.answers);
	FUZZ_CHECK(st1.answers == st2.answers);

	static const char *const fixed[] = { "", ".", "a", "a.", "A",
		"example.com", "sel._domainkey.example.com" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		ask(c1, c2, span_make(fixed[i], strlen(fixed[i])), 0);
	}
	FUZZ_CHECK(ask_dump(c1, c2, &d1) == st1.answers);

	dns_cache_get_stats(c1, &st1);
	FUZZ_CHECK(st1.queries == 0 && st1.pending == 0);
	dump(c1, &d3);
	FUZZ_CHECK(same_text(&d1, &d3));
	free(d1.p);
	free(d2.p);
	free(d3.p);
	dns_cache_free(c1);
	dns_cache_free(c2);
	return 0;
}
