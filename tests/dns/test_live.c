/*
 * test_live.c - DKIM through the shared cache (dns/cache.h) and a real DNS
 * server: tests/dns/run.sh starts NSD on loopback with
 * tests/dns/keys.test.zone, other.test.zone and broken.test.zone and
 * passes its address in AUTHSWEEP_TEST_DNS.  Messages are signed here
 * with a test-only key (corpus/keys/rsa2048-a.pem), verified with
 * dkim_verify over the live cache, and each bad answer must give its own
 * clear result.  Timeouts use a real UDP socket that never answers.
 */
#include "tests/harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth/dkim.h"
#include "crypto/sign.h"
#include "dns/cache.h"

static const char *server;
static struct privkey *key;
static struct digest dg;
static struct arena arena;
static struct dkim_verifier *verifier;

static const char base_msg[] = "From: Alice <alice@example.com>\r\n"
                               "To: Bob <bob@example.net>\r\n"
                               "Subject: live DNS\r\n"
                               "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
                               "\r\n"
                               "Hello over the wire.\r\n";

static int
setup(void **state)
{
	(void)state;
	server = getenv("AUTHSWEEP_TEST_DNS");
	if (server == NULL || !crypto_init()) {
		return -1;
	}
	size_t len;
	char *pem = harness_read_file("corpus/keys/rsa2048-a.pem", &len);
	if (pem == NULL || !privkey_from_pem(&key, span_make(pem, len))) {
		return -1;
	}
	free(pem);
	arena_init(&arena, (size_t)1 << 20);
	verifier = dkim_verifier_new();
	return digest_init(&dg) && verifier != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dkim_verifier_free(verifier);
	digest_cleanup(&dg);
	arena_cleanup(&arena);
	privkey_free(key);
	crypto_cleanup();
	return 0;
}

static struct dns_cache *
live_cache(const char *srv, unsigned timeout_ms, unsigned tries)
{
	struct dns_cache_config cfg = {
		.live = true,
		.resolver = { srv, timeout_ms, tries, true },
	};
	struct dns_cache *c = NULL;
	const char *why = NULL;
	assert_int_equal(dns_cache_new(&c, &cfg, &why), 0);
	return c;
}

/* signed_msg returns a message signed for d=|d|, s=|s| (arena memory). */
static struct span
signed_msg(const char *d, const char *s)
{
	struct msg m;
	assert_int_equal(msg_parse(&m, &arena, (const uint8_t *)base_msg,
	                     sizeof(base_msg) - 1),
	    MSG_OK);
	struct dkim_sign_params p = {
		.key = key,
		.alg = DKIM_ALG_RSA_SHA256,
		.hcanon = CANON_RELAXED,
		.bcanon = CANON_RELAXED,
		.d = span_make(d, strlen(d)),
		.s = span_make(s, strlen(s)),
		.h = S("from:to:subject:date"),
	};
	struct span field;
	assert_true(dkim_sign(&field, &dg, &m, &p, &arena));
	size_t n = field.len + 2 + sizeof(base_msg) - 1;
	uint8_t *out = arena_alloc(&arena, n);
	assert_non_null(out);
	memcpy(out, field.p, field.len);
	memcpy(out + field.len, "\r\n", 2);
	memcpy(out + field.len + 2, base_msg, sizeof(base_msg) - 1);
	return span_make(out, n);
}

static bool
all_ready(const struct dns_waits *w)
{
	for (size_t i = 0; i < w->num; i++) {
		if (!dns_cache_ready(w->handles[i])) {
			return false;
		}
	}
	return true;
}

/* verify checks a message signed for (d, s) through |c| as a worker
 * does: evaluate, and while a key is pending, wait for its answer and
 * evaluate again.  Returns the number of rounds that pended. */
static int
verify(
    struct dns_cache *c, const char *d, const char *s, struct dkim_result *out)
{
	arena_reset(&arena);
	struct span text = signed_msg(d, s);
	struct dns_waits waits;
	struct dns_view v = dns_cache_view(c, &waits);
	int pended = 0;
	for (;;) {
		struct msg m;
		struct dkim_outcome o;
		dns_waits_clear(&waits);
		assert_int_equal(
		    msg_parse(&m, &arena, text.p, text.len), MSG_OK);
		assert_true(dkim_verify(verifier, &o, &m, &v, 0, &arena));
		assert_int_equal(o.num_sigs, 1);
		if (!o.pending) {
			*out = o.sigs[0];
			return pended;
		}
		pended++;
		assert_true(waits.num > 0);
		for (int i = 0; i < 20000 && !all_ready(&waits); i++) {
			usleep(1000);
		}
		assert_true(all_ready(&waits));
	}
}

/* check verifies (d, s) and wants |verdict|, |reason|, a detail that
 * holds |detail| (if not NULL), and |want_pended| pending rounds. */
static void
check(struct dns_cache *c, const char *s, const char *d,
    enum auth_verdict verdict, enum dkim_reason reason, const char *detail,
    int want_pended)
{
	struct dkim_result r;
	int pended = verify(c, d, s, &r);
	if (r.verdict != verdict || r.reason != reason ||
	    (detail != NULL &&
	        (r.detail == NULL || strstr(r.detail, detail) == NULL))) {
		fail_msg("s=%s d=%s: got %s/%s (%s), want %s/%s (%s)", s, d,
		    auth_verdict_str(r.verdict), dkim_reason_code(r.reason),
		    r.detail ? r.detail : "-", auth_verdict_str(verdict),
		    dkim_reason_code(reason), detail ? detail : "-");
	}
	assert_int_equal(pended, want_pended);
}

/* expect is check for a name not asked before: it pends once. */
static void
expect(struct dns_cache *c, const char *s, const char *d,
    enum auth_verdict verdict, enum dkim_reason reason, const char *detail)
{
	check(c, s, d, verdict, reason, detail, 1);
}

static bool
put_file(void *arg, const void *p, size_t n)
{
	return fwrite(p, 1, n, arg) == n;
}

static void
test_good_key(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(c, "good", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	dns_cache_free(c);
}

static void
test_oversized_txt_comes_over_tcp(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(c, "big", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	dns_cache_free(c);
}

static void
test_several_txt_records(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	/* RFC 6376 §6.1.2: the verifier may pick among several records;
	 * the DKIM one is used. */
	expect(c, "multi", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	/* None a key: the first record's fault is reported. */
	expect(c, "multibad", "keys.test", AUTH_PERMERROR, DKIM_R_KEY_VERSION,
	    NULL);
	dns_cache_free(c);
}

static void
test_non_dkim_txt(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(c, "nondkim", "keys.test", AUTH_PERMERROR, DKIM_R_KEY_VERSION,
	    NULL);
	dns_cache_free(c);
}

static void
test_broken_base64(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(
	    c, "badb64", "keys.test", AUTH_PERMERROR, DKIM_R_KEY_DECODE, NULL);
	expect(
	    c, "notkey", "keys.test", AUTH_PERMERROR, DKIM_R_KEY_DECODE, NULL);
	dns_cache_free(c);
}

static void
test_cname_chains(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(c, "alias", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	/* NSD answers only the alias it holds; the chain is followed into
	 * the other zone with a second query. */
	expect(c, "xalias", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	expect(c, "dangling", "keys.test", AUTH_PERMERROR, DKIM_R_NO_KEY,
	    "NXDOMAIN");
	expect(c, "loop1", "keys.test", AUTH_TEMPERROR, DKIM_R_KEY_TEMPFAIL,
	    "CNAME");
	dns_cache_free(c);
}

static void
test_no_key(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	/* RFC 6376 §6.1.2: NXDOMAIN or no TXT record is "no key". */
	expect(c, "absent", "keys.test", AUTH_PERMERROR, DKIM_R_NO_KEY,
	    "NXDOMAIN");
	expect(
	    c, "x", "ns.keys.test", AUTH_PERMERROR, DKIM_R_NO_KEY, "NXDOMAIN");
	expect(
	    c, "nodata", "keys.test", AUTH_PERMERROR, DKIM_R_NO_KEY, "no TXT");
	dns_cache_free(c);
}

static void
test_servfail_is_temperror(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(c, "bad", "broken.test", AUTH_TEMPERROR, DKIM_R_KEY_TEMPFAIL,
	    "SERVFAIL");
	dns_cache_free(c);
}

static void
test_timeout_is_temperror(void **state)
{
	(void)state;
	/* A real socket that reads nothing: every query times out. */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t sl = sizeof(sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	char srv[64];
	snprintf(srv, sizeof(srv), "127.0.0.1:%u", ntohs(sa.sin_port));
	struct dns_cache *c = live_cache(srv, 100, 2);
	expect(c, "good", "keys.test", AUTH_TEMPERROR, DKIM_R_KEY_TEMPFAIL,
	    "timeout");
	/* The failure is cached: asking again makes no second query. */
	check(c, "good", "keys.test", AUTH_TEMPERROR, DKIM_R_KEY_TEMPFAIL,
	    "timeout", 0);
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.queries, 1);
	assert_int_equal(st.failures, 1);
	dns_cache_free(c);
	close(fd);
}

static void
test_one_query_per_name(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	struct dns_waits waits;
	struct dns_view v = dns_cache_view(c, &waits);
	dns_waits_clear(&waits);
	/* Many lookups of one name while its query is in flight: one
	 * query, one handle. */
	for (int i = 0; i < 1000; i++) {
		const struct dns_rrset *rr = dns_view_lookup(
		    &v, S("good._domainkey.KEYS.test."), DNS_T_TXT, 0);
		if (rr->status != DNS_PENDING) {
			break; /* answered already: still one query */
		}
	}
	for (int i = 0; i < 20000 && !all_ready(&waits); i++) {
		usleep(1000);
	}
	const struct dns_rrset *rr =
	    dns_view_lookup(&v, S("good._domainkey.keys.test"), DNS_T_TXT, 0);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->ttl, 3600);
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.queries, 1);
	assert_true(waits.num <= 1);
	/* Decoded once: the key attached to the answer is the same object
	 * every time. */
	const struct dkim_key *k1 = dkim_key_get(rr);
	const struct dkim_key *k2 = dkim_key_get(rr);
	assert_non_null(k1);
	assert_ptr_equal(k1, k2);
	dns_cache_free(c);
}

static void
test_answers_survive_a_round_trip(void **state)
{
	(void)state;
	struct dns_cache *c = live_cache(server, 0, 0);
	expect(c, "big", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	expect(c, "absent", "keys.test", AUTH_PERMERROR, DKIM_R_NO_KEY,
	    "NXDOMAIN");
	expect(c, "multi", "keys.test", AUTH_PASS, DKIM_R_OK, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_true(dns_cache_dump(c, put_file, f));
	fclose(f);
	dns_cache_free(c);
	/* Offline, from the saved text alone: the same verdicts, no
	 * query. */
	struct dns_cache_config cfg = { .live = false };
	const char *why;
	assert_int_equal(dns_cache_new(&c, &cfg, &why), 0);
	struct zone_error ze;
	assert_true(dns_cache_load(c, span_make(text, len), &ze));
	check(c, "big", "keys.test", AUTH_PASS, DKIM_R_OK, NULL, 0);
	check(c, "absent", "keys.test", AUTH_PERMERROR, DKIM_R_NO_KEY,
	    "NXDOMAIN", 0);
	check(c, "multi", "keys.test", AUTH_PASS, DKIM_R_OK, NULL, 0);
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	assert_int_equal(st.queries, 0);
	assert_int_equal(st.loaded, 3);
	free(text);
	dns_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_key),
		cmocka_unit_test(test_oversized_txt_comes_over_tcp),
		cmocka_unit_test(test_several_txt_records),
		cmocka_unit_test(test_non_dkim_txt),
		cmocka_unit_test(test_broken_base64),
		cmocka_unit_test(test_cname_chains),
		cmocka_unit_test(test_no_key),
		cmocka_unit_test(test_servfail_is_temperror),
		cmocka_unit_test(test_timeout_is_temperror),
		cmocka_unit_test(test_one_query_per_name),
		cmocka_unit_test(test_answers_survive_a_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
