/*
 * test_dnscache.c - the shared DNS cache read from and written to text
 * (dns/cache.h), offline.
 *
 * Every cache here is made with live = false, so no test touches the
 * network: answers come from dns_cache_load, and a name without one gets
 * DNS_TEMPFAIL.  The tests cover the answers a loaded text gives, the
 * freshness rule that picks one of several observations for an evaluation
 * time, the dump and its round trip, the refusal of malformed text with a
 * line and a message, name handling, and the counters.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "canon/limits.h"
#include "dns/cache.h"

static struct dns_cache *
cache_new(void)
{
	struct dns_cache_config cfg = { .live = false };
	struct dns_cache *c = NULL;
	const char *why = NULL;
	assert_int_equal(dns_cache_new(&c, &cfg, &why), 0);
	assert_non_null(c);
	return c;
}

/* cache_with loads |text| into a new offline cache and fails the test if
 * it is refused. */
static struct dns_cache *
cache_with(struct span text)
{
	struct dns_cache *c = cache_new();
	struct zone_error err = { 0, NULL };
	bool ok = dns_cache_load(c, text, &err);
	if (!ok) {
		print_message("  unexpected error line %zu: %s\n", err.line,
		    err.what != NULL ? err.what : "(none)");
	}
	assert_true(ok);
	return c;
}

/* ask looks |name| up at |when| through a fresh view and checks that an
 * offline cache never leaves a pending lookup behind. */
static const struct dns_rrset *
ask(struct dns_cache *c, const char *name, enum dns_type type, int64_t when)
{
	struct dns_waits waits;
	dns_waits_clear(&waits);
	struct dns_view v = dns_cache_view(c, &waits);
	const struct dns_rrset *rr =
	    dns_view_lookup(&v, span_make(name, strlen(name)), type, when);
	assert_non_null(rr);
	assert_int_not_equal(rr->status, DNS_PENDING);
	assert_int_equal(waits.num, 0);
	assert_int_equal(waits.pending, 0);
	return rr;
}

/* buf collects a dump. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static bool
buf_put(void *arg, const void *p, size_t n)
{
	struct buf *b = arg;
	if (b->cap - b->len < n + 1) {
		size_t cap = (b->len + n + 1) * 2;
		char *np = realloc(b->p, cap);
		if (np == NULL) {
			return false;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

/* dump returns the text |c| dumps, NUL-terminated, in |*out|. */
static void
dump(struct dns_cache *c, struct buf *out)
{
	*out = (struct buf){ NULL, 0, 0 };
	assert_true(dns_cache_dump(c, buf_put, out));
	assert_non_null(out->p);
}

/* put_fail is a |put| that always fails. */
static bool
put_fail(void *arg, const void *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return false;
}

#define HEADER                                                                 \
	"; authsweep DNS cache: every answer fetched, with its fetch "         \
	"time.\n"                                                              \
	"; \";@ FETCHED STATUS NAME TYPE TTL [REASON]\" starts an answer; OK " \
	"answers list their records.\n"

/* ---- answers ------------------------------------------------------------ */

static const char answers_text[] =
    ";@ 1000 OK sel._domainkey.example.com. TXT 300\n"
    "sel._domainkey.example.com. 300 IN TXT \"v=DKIM1; k=rsa; \" "
    "\"p=MIIB\"\n"
    ";@ 1000 OK esc.example. TXT 60\n"
    "esc.example. 60 IN TXT \"say \\\"hi\\\" \\\\ \\065\\066\\255\\000z\"\n"
    "esc.example. 60 IN TXT second\n"
    ";@ 1000 OK host.example. A 120\n"
    "host.example. 120 IN A 192.0.2.1\n"
    "host.example. 120 IN A 198.51.100.7\n"
    ";@ 1000 OK host.example. AAAA 120\n"
    "host.example. 120 IN AAAA 2001:db8::1\n"
    ";@ 1000 NXDOMAIN gone.example. TXT 900\n"
    ";@ 1000 NODATA host.example. TXT 600\n"
    ";@ 1000 TEMPFAIL slow.example. TXT 0 timeout after 3 tries\n";

/* A loaded text answers each name with its status, TTL, records (TXT
 * strings joined, escapes decoded, A and AAAA in network order) and, for
 * DNS_TEMPFAIL, its reason. */
static void
test_dnscache_load_answers(void **state)
{
	(void)state;
	struct dns_cache *c = cache_with(S(answers_text));
	const struct dns_rrset *rr;

	rr = ask(c, "sel._domainkey.example.com", DNS_T_TXT, 1100);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->ttl, 300);
	assert_int_equal(rr->num_rrs, 1);
	assert_span_equal(rr->rrs[0], "v=DKIM1; k=rsa; p=MIIB", 22);
	assert_null(rr->reason);

	rr = ask(c, "esc.example", DNS_T_TXT, 1000);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->ttl, 60);
	assert_int_equal(rr->num_rrs, 2);
	assert_span_equal(rr->rrs[0], "say \"hi\" \\ AB\xff\0z", 16);
	assert_span_equal(rr->rrs[1], "second", 6);

	rr = ask(c, "host.example", DNS_T_A, 1000);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->ttl, 120);
	assert_int_equal(rr->num_rrs, 2);
	assert_span_equal(rr->rrs[0], "\xc0\x00\x02\x01", 4);
	assert_span_equal(rr->rrs[1], "\xc6\x33\x64\x07", 4);

	rr = ask(c, "host.example", DNS_T_AAAA, 1000);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->num_rrs, 1);
	assert_span_equal(
	    rr->rrs[0], "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);

	rr = ask(c, "gone.example", DNS_T_TXT, 1000);
	assert_int_equal(rr->status, DNS_NXDOMAIN);
	assert_int_equal(rr->ttl, 900);
	assert_int_equal(rr->num_rrs, 0);
	assert_null(rr->reason);

	/* The same name answers per type: TXT is NODATA, A is OK. */
	rr = ask(c, "host.example", DNS_T_TXT, 1000);
	assert_int_equal(rr->status, DNS_NODATA);
	assert_int_equal(rr->ttl, 600);
	assert_int_equal(rr->num_rrs, 0);

	rr = ask(c, "slow.example", DNS_T_TXT, 1000);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_int_equal(rr->ttl, 0);
	assert_int_equal(rr->num_rrs, 0);
	assert_non_null(rr->reason);
	assert_string_equal(rr->reason, "timeout after 3 tries");

	/* An answer is one object: asking again gives the same pointer. */
	assert_ptr_equal(ask(c, "esc.example", DNS_T_TXT, 1000),
	    ask(c, "esc.example", DNS_T_TXT, 1001));
	dns_cache_free(c);
}

/* Words of a ";@" line may be separated by several blanks, status and
 * type words may be lower case, lines may end in CRLF, and plain comments
 * and blank lines are ignored. */
static void
test_dnscache_load_lenient_layout(void **state)
{
	(void)state;
	struct dns_cache *c =
	    cache_with(S("; a comment\r\n"
	                 "\r\n"
	                 ";@ 10\t ok  a.example.  txt 30\r\n"
	                 "a.example. 30 IN TXT \"x\"\r\n"
	                 ";@ 10 tempfail b.example. a 0   SERVFAIL  \r\n"));
	const struct dns_rrset *rr = ask(c, "a.example", DNS_T_TXT, 10);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->ttl, 30);
	assert_span_equal(rr->rrs[0], "x", 1);
	rr = ask(c, "b.example", DNS_T_A, 10);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_string_equal(rr->reason, "SERVFAIL");
	dns_cache_free(c);
}

/* ---- the freshness rule -------------------------------------------------- */

struct fresh_case {
	int64_t when;
	const char *want; /* the TXT record of the answering observation */
};

/* Two observations of one name, fetched at F1 = 1000 and F2 = 2000 with
 * TTL T = 300, listed newest first to show that the file order does not
 * matter.  A lookup at E takes the oldest observation with
 * E < fetched + TTL; when there is none (E >= F2 + T) the newest answers,
 * since the cache is offline. */
static void
test_dnscache_freshness_rule(void **state)
{
	(void)state;
	struct dns_cache *c = cache_with(S(";@ 2000 OK k.example. TXT 300\n"
	                                   "k.example. 300 IN TXT \"new\"\n"
	                                   ";@ 1000 OK k.example. TXT 300\n"
	                                   "k.example. 300 IN TXT \"old\"\n"));
	static const struct fresh_case cases[] = {
		{ INT64_MIN, "old" }, /* E < F1: fetched later, still best */
		{ 0, "old" },
		{ 999, "old" },
		{ 1000, "old" }, /* F1 <= E < F1 + T */
		{ 1299, "old" },
		{ 1300, "new" }, /* F1 + T <= E < F2: F2 is after E */
		{ 1999, "new" },
		{ 2000, "new" }, /* F2 <= E < F2 + T */
		{ 2299, "new" },
		{ 2300, "new" }, /* E >= F2 + T: stale, newest answers */
		{ 1000000, "new" },
		{ INT64_MAX - 5000, "new" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("when %lld\n", (long long)cases[i].when);
		const struct dns_rrset *rr =
		    ask(c, "k.example", DNS_T_TXT, cases[i].when);
		assert_int_equal(rr->status, DNS_OK);
		assert_span_equal(
		    rr->rrs[0], cases[i].want, strlen(cases[i].want));
	}
	dns_cache_free(c);
}

/* The oldest fresh observation wins even when a newer one is fresh too,
 * and a stale lookup takes the newest observation whatever its status. */
static void
test_dnscache_freshness_oldest_fresh_and_stale_newest(void **state)
{
	(void)state;
	struct dns_cache *c =
	    cache_with(S(";@ 1000 OK k.example. TXT 5000\n"
	                 "k.example. 5000 IN TXT \"long\"\n"
	                 ";@ 2000 OK k.example. TXT 300\n"
	                 "k.example. 300 IN TXT \"short\"\n"
	                 ";@ 1000 OK n.example. TXT 100\n"
	                 "n.example. 100 IN TXT \"was\"\n"
	                 ";@ 3000 NXDOMAIN n.example. TXT 60\n"
	                 ";@ 500 NODATA z.example. TXT 0\n"));
	/* Both observations of k are fresh at 2100: the older answers. */
	const struct dns_rrset *rr = ask(c, "k.example", DNS_T_TXT, 2100);
	assert_span_equal(rr->rrs[0], "long", 4);
	rr = ask(c, "k.example", DNS_T_TXT, 5999);
	assert_span_equal(rr->rrs[0], "long", 4);
	/* At 6000 neither is fresh: the newest, fetched at 2000. */
	rr = ask(c, "k.example", DNS_T_TXT, 6000);
	assert_span_equal(rr->rrs[0], "short", 5);

	rr = ask(c, "n.example", DNS_T_TXT, 1099);
	assert_int_equal(rr->status, DNS_OK);
	rr = ask(c, "n.example", DNS_T_TXT, 1100);
	assert_int_equal(rr->status, DNS_NXDOMAIN);
	rr = ask(c, "n.example", DNS_T_TXT, 9999);
	assert_int_equal(rr->status, DNS_NXDOMAIN);
	assert_int_equal(rr->ttl, 60);

	/* TTL 0: fresh only before its fetch time, stale (but still the
	 * only observation) from then on. */
	assert_int_equal(
	    ask(c, "z.example", DNS_T_TXT, 499)->status, DNS_NODATA);
	assert_int_equal(
	    ask(c, "z.example", DNS_T_TXT, 500)->status, DNS_NODATA);
	dns_cache_free(c);
}

/* ---- offline misses ------------------------------------------------------ */

/* Offline, a name (or a type of a name) without an observation gets
 * DNS_TEMPFAIL saying so, and never DNS_PENDING. */
static void
test_dnscache_offline_miss(void **state)
{
	(void)state;
	struct dns_cache *c = cache_with(S(";@ 1 OK a.example. TXT 60\n"
	                                   "a.example. 60 IN TXT x\n"));
	const struct dns_rrset *rr = ask(c, "b.example", DNS_T_TXT, 1);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_int_equal(rr->num_rrs, 0);
	assert_non_null(rr->reason);
	assert_non_null(strstr(rr->reason, "offline"));
	/* The type is part of the key. */
	rr = ask(c, "a.example", DNS_T_A, 1);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_non_null(strstr(rr->reason, "offline"));
	/* Asking again neither queries nor pends. */
	rr = ask(c, "b.example", DNS_T_TXT, 1);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.queries, 0);
	assert_int_equal(st.pending, 0);
	dns_cache_free(c);

	/* An empty cache, with nothing loaded, is the same. */
	c = cache_new();
	rr = ask(c, "a.example", DNS_T_TXT, 1);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_non_null(strstr(rr->reason, "offline"));
	dns_cache_free(c);
	dns_cache_free(NULL);
}

/* ---- dump ---------------------------------------------------------------- */

/* Unsorted input: names, types and fetch times out of order. */
static const char unsorted_text[] =
    ";@ 2000 OK b.example. TXT 300\n"
    "b.example. 300 IN TXT \"v=2\"\n"
    ";@ 1500 TEMPFAIL c.example. TXT 0 timeout\n"
    ";@ 1000 OK b.example. AAAA 60\n"
    "b.example. 60 IN AAAA 2001:db8::1\n"
    ";@ 1000 OK b.example. TXT 300\n"
    "b.example. 300 IN TXT \"v=1\" \"; more\"\n"
    "b.example. 300 IN TXT \"say \\\"hi\\\" \\\\ \\001\\255\"\n"
    ";@ 1000 OK b.example. A 60\n"
    "b.example. 60 IN A 192.0.2.1\n"
    ";@ 1000 NXDOMAIN a.example. TXT 900\n"
    ";@ 1000 NODATA A.Example. A 600\n";

/* What unsorted_text dumps: sorted by name, then type (A, TXT, AAAA by
 * number), then fetch time; TXT data quoted and escaped; AAAA in full. */
static const char sorted_dump[] =
    HEADER ";@ 1000 NODATA a.example. A 600\n"
           ";@ 1000 NXDOMAIN a.example. TXT 900\n"
           ";@ 1000 OK b.example. A 60\n"
           "b.example. 60 IN A 192.0.2.1\n"
           ";@ 1000 OK b.example. TXT 300\n"
           "b.example. 300 IN TXT \"v=1; more\"\n"
           "b.example. 300 IN TXT \"say \\\"hi\\\" \\\\ \\001\\255\"\n"
           ";@ 2000 OK b.example. TXT 300\n"
           "b.example. 300 IN TXT \"v=2\"\n"
           ";@ 1000 OK b.example. AAAA 60\n"
           "b.example. 60 IN AAAA 2001:db8:0:0:0:0:0:1\n"
           ";@ 1500 TEMPFAIL c.example. TXT 0 timeout\n";

static void
assert_same_answer(const struct dns_rrset *x, const struct dns_rrset *y)
{
	assert_int_equal(x->status, y->status);
	assert_int_equal(x->ttl, y->ttl);
	assert_int_equal(x->num_rrs, y->num_rrs);
	for (size_t i = 0; i < x->num_rrs; i++) {
		assert_span_equal(x->rrs[i], y->rrs[i].p, y->rrs[i].len);
	}
	if (x->reason == NULL || y->reason == NULL) {
		assert_ptr_equal(x->reason, y->reason);
	} else {
		assert_string_equal(x->reason, y->reason);
	}
}

/* The dump of a loaded text is the expected sorted text; loading the dump
 * into a second cache and dumping again gives the same bytes, and both
 * caches answer alike. */
static void
test_dnscache_dump_round_trip(void **state)
{
	(void)state;
	struct dns_cache *c1 = cache_with(S(unsorted_text));
	struct buf d1;
	dump(c1, &d1);
	assert_string_equal(d1.p, sorted_dump);

	struct dns_cache *c2 = cache_with(span_make(d1.p, d1.len));
	struct buf d2;
	dump(c2, &d2);
	assert_int_equal(d2.len, d1.len);
	assert_memory_equal(d2.p, d1.p, d1.len);

	static const char *names[] = { "a.example", "b.example", "c.example",
		"d.example" };
	static const enum dns_type types[] = { DNS_T_TXT, DNS_T_A, DNS_T_AAAA };
	static const int64_t whens[] = { 0, 1000, 1400, 2000, 2300, 99999 };
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		for (size_t k = 0; k < ARRAY_LEN(types); k++) {
			for (size_t w = 0; w < ARRAY_LEN(whens); w++) {
				assert_same_answer(
				    ask(c1, names[i], types[k], whens[w]),
				    ask(c2, names[i], types[k], whens[w]));
			}
		}
	}
	free(d1.p);
	free(d2.p);
	dns_cache_free(c1);
	dns_cache_free(c2);
}

/* A TXT record longer than one character-string is dumped as strings of
 * at most 255 bytes, and reads back whole. */
static void
test_dnscache_dump_splits_long_txt(void **state)
{
	(void)state;
	char text[1024];
	char s150[151];
	memset(s150, 'x', 150);
	s150[150] = '\0';
	int n = snprintf(text, sizeof(text),
	    ";@ 1 OK l.example. TXT 60\nl.example. 60 IN TXT \"%s\" \"%s\"\n",
	    s150, s150);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	struct dns_cache *c = cache_with(span_make(text, (size_t)n));
	const struct dns_rrset *rr = ask(c, "l.example", DNS_T_TXT, 1);
	assert_int_equal(rr->num_rrs, 1);
	assert_int_equal(rr->rrs[0].len, 300);
	struct buf d;
	dump(c, &d);
	char want[400];
	memset(want, 'x', sizeof(want));
	want[0] = '"';
	memcpy(want + 256, "\" \"", 3);
	memcpy(want + 304, "\"\n", 3);
	assert_non_null(strstr(d.p, want));
	struct dns_cache *c2 = cache_with(span_make(d.p, d.len));
	assert_same_answer(rr, ask(c2, "l.example", DNS_T_TXT, 1));
	free(d.p);
	dns_cache_free(c);
	dns_cache_free(c2);
}

/* The dump depends only on the observations: the same answers loaded in
 * another order dump alike, lookups (misses included) change nothing, and
 * a second dump equals the first.  A failing |put| makes it return
 * false. */
static void
test_dnscache_dump_is_deterministic(void **state)
{
	(void)state;
	/* unsorted_text's answers, one per chunk, in reverse order. */
	static const char *const chunks[] = {
		";@ 1000 NODATA A.Example. A 600\n",
		";@ 1000 NXDOMAIN a.example. TXT 900\n",
		";@ 1000 OK b.example. A 60\n"
		"b.example. 60 IN A 192.0.2.1\n",
		";@ 1000 OK b.example. TXT 300\n"
		"b.example. 300 IN TXT \"v=1\" \"; more\"\n"
		"b.example. 300 IN TXT \"say \\\"hi\\\" \\\\ \\001\\255\"\n",
		";@ 1000 OK b.example. AAAA 60\n"
		"b.example. 60 IN AAAA 2001:db8::1\n",
		";@ 1500 TEMPFAIL c.example. TXT 0 timeout\n",
		";@ 2000 OK b.example. TXT 300\n"
		"b.example. 300 IN TXT \"v=2\"\n",
	};
	struct buf rev = { NULL, 0, 0 };
	for (size_t i = ARRAY_LEN(chunks); i > 0; i--) {
		assert_true(
		    buf_put(&rev, chunks[i - 1], strlen(chunks[i - 1])));
	}
	struct dns_cache *c = cache_with(span_make(rev.p, rev.len));
	(void)ask(c, "zz.example", DNS_T_TXT, 5);
	(void)ask(c, "a.example", DNS_T_AAAA, 5);
	(void)ask(c, "b.example", DNS_T_TXT, 5);
	struct buf d1, d2;
	dump(c, &d1);
	dump(c, &d2);
	assert_string_equal(d1.p, sorted_dump);
	assert_string_equal(d2.p, sorted_dump);
	assert_false(dns_cache_dump(c, put_fail, NULL));
	free(rev.p);
	free(d1.p);
	free(d2.p);
	dns_cache_free(c);

	/* An empty cache dumps only the header. */
	c = cache_new();
	dump(c, &d1);
	assert_string_equal(d1.p, HEADER);
	free(d1.p);
	dns_cache_free(c);
}

/* ---- refused text -------------------------------------------------------- */

struct error_case {
	const char *name;
	const char *text;
	size_t text_len;
	size_t want_line;
	const char *want_what;
};

#define ERR(name, text, line, what)                                            \
	{                                                                      \
		name, text, sizeof(text) - 1, line, what                       \
	}

#define OUTSIDE "record outside the answer its ;@ line announces"
#define BAD_NUM "bad ;@ line: fetch time or TTL"
#define BAD_WORD "bad ;@ line: status, name or type"

static const struct error_case error_cases[] = {
	ERR("record before any ;@ line", "; c\na.example. 60 IN TXT x\n", 2,
	    OUTSIDE),
	ERR("record owner differs from its ;@ line",
	    ";@ 1 OK a.example. TXT 60\nb.example. 60 IN TXT x\n", 2, OUTSIDE),
	ERR("record owner is a subdomain of its ;@ name",
	    ";@ 1 OK a.example. TXT 60\nx.a.example. 60 IN TXT x\n", 2,
	    OUTSIDE),
	ERR("record type differs from its ;@ line",
	    ";@ 1 OK a.example. TXT 60\na.example. 60 IN A 192.0.2.1\n", 2,
	    OUTSIDE),
	ERR("AAAA record under an A answer",
	    ";@ 1 OK a.example. A 60\na.example. 60 IN A 192.0.2.1\n"
	    "a.example. 60 IN AAAA ::1\n",
	    3, OUTSIDE),
	ERR("records under NXDOMAIN",
	    ";@ 1 NXDOMAIN a.example. TXT 60\na.example. 60 IN TXT x\n", 2,
	    OUTSIDE),
	ERR("records under NODATA",
	    ";@ 1 NODATA a.example. TXT 60\na.example. 60 IN TXT x\n", 2,
	    OUTSIDE),
	ERR("records under TEMPFAIL",
	    ";@ 1 TEMPFAIL a.example. TXT 0 x\na.example. 60 IN TXT x\n", 2,
	    OUTSIDE),
	ERR("record after an answer of another name",
	    ";@ 1 OK a.example. TXT 60\na.example. 60 IN TXT x\n"
	    ";@ 1 NXDOMAIN b.example. TXT 60\na.example. 60 IN TXT y\n",
	    4, OUTSIDE),
	ERR("bad status word", ";@ 1 MAYBE a.example. TXT 60\n", 1, BAD_WORD),
	ERR("PENDING is not a stored status",
	    "; c\n;@ 1 PENDING a.example. TXT 60\n", 2, BAD_WORD),
	ERR("status word with a suffix", ";@ 1 OKAY a.example. TXT 60\n", 1,
	    BAD_WORD),
	ERR("bad type word", ";@ 1 OK a.example. TXTX 60\n", 1, BAD_WORD),
	ERR("MX answers are not kept", ";@ 1 OK a.example. MX 60\n", 1,
	    BAD_WORD),
	ERR("CNAME answers are not kept", ";@ 1 NODATA a.example. CNAME 60\n",
	    1, BAD_WORD),
	ERR("numeric type", ";@ 1 NODATA a.example. 16 60\n", 1, BAD_WORD),
	ERR("empty name", ";@ 1 NXDOMAIN . TXT 60\n", 1, BAD_WORD),
	ERR("name over 253 bytes",
	    ";@ 1 NXDOMAIN "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa. "
	    "TXT 60\n",
	    1, BAD_WORD),
	ERR("NUL in the name", ";@ 1 NXDOMAIN a\0b. TXT 60\n", 1, BAD_WORD),
	ERR("missing fields", ";@ 1 OK\n", 1, BAD_NUM),
	ERR("empty ;@ line", ";@\n", 1, BAD_NUM),
	ERR("fetch time not a number", ";@ x OK a.example. TXT 60\n", 1,
	    BAD_NUM),
	ERR("fetch time with a fraction", ";@ 1.5 OK a.example. TXT 60\n", 1,
	    BAD_NUM),
	ERR("fetch time with a plus sign", ";@ +1 OK a.example. TXT 60\n", 1,
	    BAD_NUM),
	ERR("fetch time of 19 digits",
	    ";@ 1000000000000000000 NXDOMAIN a.example. TXT 60\n", 1, BAD_NUM),
	ERR("lone minus as fetch time", ";@ - NXDOMAIN a.example. TXT 60\n", 1,
	    BAD_NUM),
	ERR("TTL not a number", ";@ 1 NXDOMAIN a.example. TXT 1h\n", 1,
	    BAD_NUM),
	ERR("negative TTL", ";@ 1 NXDOMAIN a.example. TXT -1\n", 1, BAD_NUM),
	ERR("TTL above 32 bits", ";@ 1 NXDOMAIN a.example. TXT 4294967296\n", 1,
	    BAD_NUM),
	ERR("missing TTL", ";@ 1 NXDOMAIN a.example. TXT\n", 1, BAD_NUM),
	ERR("MX record under a TXT answer",
	    ";@ 1 OK a.example. TXT 60\na.example. 60 IN MX 10 mx.example.\n",
	    2, OUTSIDE),
	ERR("SOA record under a TXT answer",
	    ";@ 1 OK a.example. TXT 60\n"
	    "a.example. 60 IN SOA ns.example. h.example. 1 2 3 4 5\n",
	    2, "record type not kept in a DNS cache file"),
	ERR("SRV record before any ;@ line",
	    "_x._tcp.a.example. 60 IN SRV 0 0 1 a.example.\n", 1,
	    "record type not kept in a DNS cache file"),
	ERR("master-file syntax error in a record",
	    ";@ 1 OK a.example. TXT 60\na.example. 60 IN TXT \"x\n", 2,
	    "unterminated quoted string"),
	ERR("bad address in an A record",
	    ";@ 1 OK a.example. A 60\na.example. 60 IN A 192.0.2.256\n", 2,
	    "bad IPv4 address"),
	ERR("error in a later answer",
	    ";@ 1 OK a.example. TXT 60\na.example. 60 IN TXT x\n"
	    ";@ 1 NXDOMAIN b.example. TXT 60\n"
	    ";@ 1 OK c.example. TXT x\n",
	    4, BAD_NUM),
};

/* Each malformed text is refused with the line of the failing entry and
 * the message saying what is wrong. */
static void
test_dnscache_error_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(error_cases); i++) {
		const struct error_case *tc = &error_cases[i];
		print_message("case: %s\n", tc->name);
		struct dns_cache *c = cache_new();
		struct zone_error err = { 0, NULL };
		assert_false(
		    dns_cache_load(c, span_make(tc->text, tc->text_len), &err));
		assert_non_null(err.what);
		assert_string_equal(err.what, tc->want_what);
		assert_int_equal(err.line, tc->want_line);
		dns_cache_free(c);
	}
}

/* An OK answer must list at least one record, wherever it stands. */
static void
test_dnscache_refuses_ok_without_records(void **state)
{
	(void)state;
	static const char *const texts[] = {
		";@ 1 OK a.example. TXT 60\n",
		";@ 1 OK a.example. TXT 60\n;@ 1 NXDOMAIN b.example. TXT 60\n",
		";@ 1 OK a.example. TXT 60\n; records go here\n",
		(";@ 1 OK b.example. TXT 60\nb.example. 60 IN TXT x\n"
		 ";@ 1 OK a.example. A 60\n"),
	};
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		print_message("text %zu\n", i);
		struct dns_cache *c = cache_new();
		struct zone_error err = { 0, NULL };
		assert_false(dns_cache_load(
		    c, span_make(texts[i], strlen(texts[i])), &err));
		assert_non_null(err.what);
		assert_string_equal(err.what, "an OK answer without records");
		dns_cache_free(c);
	}
}

/* The error line of an OK answer without records should be that of its
 * ";@" line, as for every other error (struct zone_error: "1-based line
 * where the failing entry starts"). */
static void
test_dnscache_ok_without_records_line(void **state)
{
	(void)state;
	/* The error is found when the next ";@" line or the end of the text
	 * is read; it must still carry the answer's own line. */
	static const struct {
		const char *text;
		size_t want_line;
	} cases[] = {
		{ ";@ 1 OK a.example. TXT 60\n", 1 },
		{ "; c\n;@ 1 OK a.example. TXT 60\n"
		  ";@ 1 NXDOMAIN b.example. TXT 60\n",
		    2 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct dns_cache *c = cache_new();
		struct zone_error err = { 0, NULL };
		assert_false(dns_cache_load(
		    c, span_make(cases[i].text, strlen(cases[i].text)), &err));
		assert_int_equal(err.line, cases[i].want_line);
		dns_cache_free(c);
	}
}

/* An answer holds at most 64 records, as an answer from the network. */
static void
test_dnscache_record_limit(void **state)
{
	(void)state;
	struct buf b = { NULL, 0, 0 };
	const char *head = ";@ 1 OK a.example. A 60\n";
	assert_true(buf_put(&b, head, strlen(head)));
	char line[64];
	for (size_t i = 0; i < 64; i++) {
		int n = snprintf(
		    line, sizeof(line), "a.example. 60 IN A 10.0.0.%zu\n", i);
		assert_true(buf_put(&b, line, (size_t)n));
	}
	struct dns_cache *c = cache_with(span_make(b.p, b.len));
	const struct dns_rrset *rr = ask(c, "a.example", DNS_T_A, 1);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->num_rrs, 64);
	for (size_t i = 0; i < 64; i++) {
		uint8_t want[4] = { 10, 0, 0, (uint8_t)i };
		assert_span_equal(rr->rrs[i], want, 4);
	}
	dns_cache_free(c);

	const char *more = "a.example. 60 IN A 10.0.1.0\n";
	assert_true(buf_put(&b, more, strlen(more)));
	c = cache_new();
	struct zone_error err = { 0, NULL };
	assert_false(dns_cache_load(c, span_make(b.p, b.len), &err));
	assert_string_equal(err.what, "too many records in one answer");
	assert_int_equal(err.line, 66);
	dns_cache_free(c);
	free(b.p);
}

/* Whatever dns_cache_load accepts, the dump of it loads again, dumps the
 * same and answers the same: names needing master-file escapes, TTLs the
 * master-file reader refuses and odd bytes in a reason must not make a
 * dump unreadable or unstable. */
static void
test_dnscache_reloads_what_it_loaded(void **state)
{
	(void)state;
	/* Text that would not read back alike (owners needing escapes, TTLs
	 * over 2^31 - 1, reasons with control bytes) is refused, or else its
	 * dump must reload to the same dump and answers. */
	static const struct {
		const char *text;
		size_t text_len;
		const char *name;
		enum dns_type type;
	} cases[] = {
#define RC(text, name, type) { text, sizeof(text) - 1, name, type }
		RC(";@ 1 OK a(b.example. TXT 60\na\\(b.example. 60 IN TXT x\n",
		    "a(b.example", DNS_T_TXT),
		RC(";@ 1 OK a;b.example. TXT 60\na\\;b.example. 60 IN TXT x\n",
		    "a;b.example", DNS_T_TXT),
		RC(";@ 1 OK a\"b.example. TXT 60\na\\\"b.example. 60 IN TXT "
		   "x\n",
		    "a\"b.example", DNS_T_TXT),
		RC(";@ 1 OK a\\b.example. TXT 60\na\\\\b.example. 60 IN TXT "
		   "x\n",
		    "a\\b.example", DNS_T_TXT),
		RC(";@ 1 OK $x.example. TXT 60\n\\$x.example. 60 IN TXT x\n",
		    "$x.example", DNS_T_TXT),
		RC(";@ 1 OK a.example. TXT 2147483648\na.example. 60 IN TXT "
		   "x\n",
		    "a.example", DNS_T_TXT),
		RC(";@ 1 TEMPFAIL a.example. TXT 0 x\ry\n", "a.example",
		    DNS_T_TXT),
		RC(";@ 1 TEMPFAIL a.example. TXT 0 \rx\n", "a.example",
		    DNS_T_TXT),
		RC(";@ 1 TEMPFAIL a.example. TXT 0 x \0y\n", "a.example",
		    DNS_T_TXT),
		RC(";@ 1 TEMPFAIL a.example. TXT 0 \0\n", "a.example",
		    DNS_T_TXT),
#undef RC
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		struct dns_cache *c = cache_new();
		struct zone_error err = { 0, NULL };
		if (!dns_cache_load(
		        c, span_make(cases[i].text, cases[i].text_len), &err)) {
			/* Refusing such text is a fix too. */
			dns_cache_free(c);
			continue;
		}
		struct buf d1, d2;
		dump(c, &d1);
		struct dns_cache *c2 = cache_with(span_make(d1.p, d1.len));
		dump(c2, &d2);
		assert_string_equal(d2.p, d1.p);
		assert_same_answer(ask(c, cases[i].name, cases[i].type, 1),
		    ask(c2, cases[i].name, cases[i].type, 1));
		free(d1.p);
		free(d2.p);
		dns_cache_free(c);
		dns_cache_free(c2);
	}
}

/* An OK TXT answer may hold empty records; they load, answer and dump. */
static void
test_dnscache_empty_txt_records(void **state)
{
	(void)state;
	/* Answers whose records are all empty: no record byte was ever
	 * buffered (clang UBSan once caught NULL + 0 here). */
	struct dns_cache *c = cache_with(S(";@ 1 OK e.example. TXT 60\n"
	                                   "e.example. 60 IN TXT \"\"\n"
	                                   "e.example. 60 IN TXT \"\" \"\"\n"));
	const struct dns_rrset *rr = ask(c, "e.example", DNS_T_TXT, 1);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->num_rrs, 2);
	assert_int_equal(rr->rrs[0].len, 0);
	assert_int_equal(rr->rrs[1].len, 0);
	struct buf d;
	dump(c, &d);
	assert_string_equal(d.p,
	    HEADER ";@ 1 OK e.example. TXT 60\n"
	           "e.example. 60 IN TXT \"\"\n"
	           "e.example. 60 IN TXT \"\"\n");
	free(d.p);
	dns_cache_free(c);
}

/* ---- names --------------------------------------------------------------- */

#define L61 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L63 L61 "aa"
/* N253 is a name of exactly DNS_MAX_NAME bytes. */
#define N253 L63 "." L63 "." L63 "." L61

/* Names are compared without regard to case or a final dot, in the file
 * as in lookups; an empty name, one holding a NUL or one longer than
 * DNS_MAX_NAME gets DNS_TEMPFAIL, never another name's answer. */
static void
test_dnscache_names(void **state)
{
	(void)state;
	_Static_assert(sizeof(N253) - 1 == DNS_MAX_NAME, "N253");
	struct dns_cache *c = cache_with(
	    S(";@ 1 OK Sel._DomainKey.Example.COM TXT 60\n"
	      "sel._domainkey.example.com. 60 IN TXT k\n"
	      ";@ 1 OK a TXT 60\n"
	      "a. 60 IN TXT short\n"
	      ";@ 1 OK " N253 ". TXT 60\n" N253 ". 60 IN TXT long\n"));
	static const char *const spellings[] = {
		"sel._domainkey.example.com",
		"sel._domainkey.example.com.",
		"SEL._DOMAINKEY.EXAMPLE.COM",
		"Sel._DomainKey.Example.Com.",
	};
	const struct dns_rrset *want =
	    ask(c, "sel._domainkey.example.com", DNS_T_TXT, 1);
	assert_int_equal(want->status, DNS_OK);
	assert_span_equal(want->rrs[0], "k", 1);
	for (size_t i = 0; i < ARRAY_LEN(spellings); i++) {
		assert_ptr_equal(ask(c, spellings[i], DNS_T_TXT, 1), want);
	}
	/* Two final dots are not one. */
	assert_int_equal(ask(c, "a..", DNS_T_TXT, 1)->status, DNS_TEMPFAIL);
	assert_int_equal(ask(c, "A.", DNS_T_TXT, 1)->status, DNS_OK);

	/* The longest name is kept and found. */
	const struct dns_rrset *rr = ask(c, N253, DNS_T_TXT, 1);
	assert_int_equal(rr->status, DNS_OK);
	assert_span_equal(rr->rrs[0], "long", 4);
	assert_ptr_equal(ask(c, N253 ".", DNS_T_TXT, 1), rr);

	/* Bad names.  "a\0b" must not be cut short to "a". */
	static const struct {
		const char *p;
		size_t len;
	} bad[] = {
		{ "", 0 },
		{ ".", 1 },
		{ "a\0b", 3 },
		{ "\0", 1 },
		{ N253 "b", DNS_MAX_NAME + 1 },
		{ N253 "b.", DNS_MAX_NAME + 2 },
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		print_message("bad name %zu\n", i);
		struct dns_waits waits;
		dns_waits_clear(&waits);
		struct dns_view v = dns_cache_view(c, &waits);
		rr = dns_view_lookup(
		    &v, span_make(bad[i].p, bad[i].len), DNS_T_TXT, 1);
		assert_non_null(rr);
		assert_int_equal(rr->status, DNS_TEMPFAIL);
		assert_int_equal(rr->num_rrs, 0);
		assert_non_null(rr->reason);
		assert_int_equal(waits.pending, 0);
	}
	dns_cache_free(c);
}

/* ---- counters ------------------------------------------------------------ */

/* loaded and answers count observations read; lookups counts every lookup
 * answered at once, misses included; nothing is queried or pending. */
static void
test_dnscache_stats(void **state)
{
	(void)state;
	struct dns_cache *c = cache_new();
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.lookups, 0);
	assert_int_equal(st.answers, 0);
	assert_int_equal(st.loaded, 0);

	struct zone_error err = { 0, NULL };
	assert_true(dns_cache_load(c, S(unsorted_text), &err));
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.loaded, 7);
	assert_int_equal(st.answers, 7);
	assert_int_equal(st.lookups, 0);

	/* A second text adds to the first. */
	assert_true(dns_cache_load(c,
	    S(";@ 5 NXDOMAIN x.example. TXT 60\n"
	      ";@ 6 NXDOMAIN x.example. TXT 60\n"),
	    &err));
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.loaded, 9);
	assert_int_equal(st.answers, 9);

	(void)ask(c, "b.example", DNS_T_TXT, 1000);   /* fresh */
	(void)ask(c, "b.example", DNS_T_TXT, 999999); /* stale */
	(void)ask(c, "x.example", DNS_T_TXT, 5);
	(void)ask(c, "nothere.example", DNS_T_TXT, 5); /* miss */
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.lookups, 4);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.queries, 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.loaded, 9);
	assert_int_equal(st.answers, 9);

	dns_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnscache_load_answers),
		cmocka_unit_test(test_dnscache_load_lenient_layout),
		cmocka_unit_test(test_dnscache_freshness_rule),
		cmocka_unit_test(
		    test_dnscache_freshness_oldest_fresh_and_stale_newest),
		cmocka_unit_test(test_dnscache_offline_miss),
		cmocka_unit_test(test_dnscache_dump_round_trip),
		cmocka_unit_test(test_dnscache_dump_splits_long_txt),
		cmocka_unit_test(test_dnscache_dump_is_deterministic),
		cmocka_unit_test(test_dnscache_error_cases),
		cmocka_unit_test(test_dnscache_refuses_ok_without_records),
		cmocka_unit_test(test_dnscache_ok_without_records_line),
		cmocka_unit_test(test_dnscache_record_limit),
		cmocka_unit_test(test_dnscache_reloads_what_it_loaded),
		cmocka_unit_test(test_dnscache_empty_txt_records),
		cmocka_unit_test(test_dnscache_names),
		cmocka_unit_test(test_dnscache_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
