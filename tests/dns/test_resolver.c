/*
 * test_resolver.c - the c-ares resolver (dns/resolver.h) against a real
 * server: tests/dns/run.sh starts NSD on loopback with
 * tests/dns/example.test.zone and passes its address in
 * AUTHSWEEP_TEST_DNS.  The timeout case uses a real UDP socket that never
 * answers.
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

#include "dns/resolver.h"
#include "dns/wire.h"

static const char *server;

struct got {
	struct dns_rrset *rs;
	int calls;
};

static void
on_answer(void *arg, struct dns_rrset *rs)
{
	struct got *g = arg;
	g->rs = rs;
	g->calls++;
}

static struct dns_resolver *
resolver(const char *srv, unsigned timeout_ms, unsigned tries, bool edns)
{
	struct dns_resolver_config cfg = { srv, timeout_ms, tries, edns };
	struct dns_resolver *r = NULL;
	const char *why = NULL;
	assert_int_equal(dns_resolver_new(&r, &cfg, &why), 0);
	return r;
}

/* ask runs one query to its end. */
static struct dns_rrset *
ask(struct dns_resolver *r, const char *name, enum dns_type type)
{
	struct got g = { NULL, 0 };
	dns_resolver_query(
	    r, span_make(name, strlen(name)), type, on_answer, &g);
	for (int i = 0; i < 200 && g.calls == 0; i++) {
		dns_resolver_run(r, 100);
	}
	assert_int_equal(g.calls, 1);
	assert_non_null(g.rs);
	return g.rs;
}

static void
test_txt_joined_with_ttl(void **state)
{
	(void)state;
	struct dns_resolver *r = resolver(server, 1000, 2, true);
	struct dns_rrset *rs = ask(r, "s1._domainkey.example.test", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_OK);
	assert_int_equal(rs->num_rrs, 1);
	static const char key[] =
	    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ";
	assert_span_equal(rs->rrs[0], key, sizeof(key) - 1);
	assert_int_equal(rs->ttl, 300);
	dns_wire_free(rs);

	rs = ask(r, "two.example.test.", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_OK);
	assert_int_equal(rs->num_rrs, 2);
	dns_wire_free(rs);

	rs = ask(r, "host.example.test", DNS_T_A);
	assert_int_equal(rs->status, DNS_OK);
	assert_memory_equal(rs->rrs[0].p, "\xc0\x00\x02\x07", 4);
	dns_wire_free(rs);
	dns_resolver_free(r);
}

/* Without EDNS the 765-byte record does not fit a UDP answer: the server
 * sets TC and c-ares asks again over TCP. */
static void
test_truncated_answer_retried_over_tcp(void **state)
{
	(void)state;
	struct dns_resolver *r = resolver(server, 1000, 2, false);
	struct dns_rrset *rs = ask(r, "big.example.test", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_OK);
	assert_int_equal(rs->num_rrs, 1);
	assert_int_equal(rs->rrs[0].len, 3 * 255);
	assert_int_equal(rs->rrs[0].p[0], 'a');
	assert_int_equal(rs->rrs[0].p[3 * 255 - 1], 'c');
	dns_wire_free(rs);
	dns_resolver_free(r);
}

static void
test_negative_answers(void **state)
{
	(void)state;
	struct dns_resolver *r = resolver(server, 1000, 2, true);
	/* NXDOMAIN and NODATA, with the SOA's MINIMUM (600) as their TTL. */
	struct dns_rrset *rs =
	    ask(r, "missing._domainkey.example.test", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_NXDOMAIN);
	assert_int_equal(rs->ttl, 600);
	dns_wire_free(rs);
	rs = ask(r, "host.example.test", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_NODATA);
	assert_int_equal(rs->ttl, 600);
	dns_wire_free(rs);
	/* A zone the server could not load: SERVFAIL. */
	rs = ask(r, "bad.broken.test", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	assert_string_equal(rs->reason, "SERVFAIL");
	dns_wire_free(rs);
	/* A zone the server does not serve: REFUSED. */
	rs = ask(r, "example.invalid", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	assert_string_equal(rs->reason, "REFUSED");
	dns_wire_free(rs);
	dns_resolver_free(r);
}

/* A server that never answers: a bound UDP socket nobody reads. */
static void
test_timeout(void **state)
{
	(void)state;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	char srv[64];
	snprintf(srv, sizeof(srv), "127.0.0.1:%u", ntohs(a.sin_port));
	struct dns_resolver *r = resolver(srv, 100, 2, true);
	struct dns_rrset *rs = ask(r, "s1._domainkey.example.test", DNS_T_TXT);
	assert_int_equal(rs->status, DNS_TEMPFAIL);
	assert_string_equal(rs->reason, "timeout");
	dns_wire_free(rs);
	dns_resolver_free(r);
	close(s);
}

/* Many queries in flight at once, each answered once. */
static void
test_many_in_flight(void **state)
{
	(void)state;
	enum { N = 300 };
	struct dns_resolver *r = resolver(server, 1000, 3, true);
	static struct got g[N];
	char name[64];
	for (int i = 0; i < N; i++) {
		g[i] = (struct got){ NULL, 0 };
		int n = snprintf(name, sizeof(name),
		    i % 3 == 0 ? "s1._domainkey.example.test"
		               : "k%d._domainkey.example.test",
		    i);
		dns_resolver_query(
		    r, span_make(name, (size_t)n), DNS_T_TXT, on_answer, &g[i]);
	}
	assert_int_equal(dns_resolver_pending(r), N);
	/* Bounded by time, not by rounds: a busy machine delivers the
	 * answers in more wake-ups (CI saw 200 still pending after 100). */
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		dns_resolver_run(r, 100);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (dns_resolver_pending(r) > 0 && t.tv_sec - t0.tv_sec < 30);
	assert_int_equal(dns_resolver_pending(r), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(g[i].calls, 1);
		assert_int_equal(
		    g[i].rs->status, i % 3 == 0 ? DNS_OK : DNS_NXDOMAIN);
		dns_wire_free(g[i].rs);
	}
	dns_resolver_free(r);
}

static void
test_bad_inputs(void **state)
{
	(void)state;
	struct dns_resolver_config cfg = { "not an address", 0, 0, true };
	struct dns_resolver *r = NULL;
	const char *why = NULL;
	assert_int_equal(dns_resolver_new(&r, &cfg, &why), -1);
	assert_non_null(why);

	r = resolver(server, 1000, 2, true);
	/* A name with a NUL, and an empty one, are answered at once. */
	struct got g = { NULL, 0 };
	dns_resolver_query(r, span_make("a\0b", 3), DNS_T_TXT, on_answer, &g);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.rs->status, DNS_TEMPFAIL);
	dns_wire_free(g.rs);
	g.calls = 0;
	dns_resolver_query(r, span_make("", 0), DNS_T_TXT, on_answer, &g);
	assert_int_equal(g.calls, 1);
	dns_wire_free(g.rs);
	/* Queries still in flight when the resolver goes are cancelled. */
	g.calls = 0;
	dns_resolver_query(
	    r, span_make("two.example.test", 16), DNS_T_TXT, on_answer, &g);
	dns_resolver_free(r);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.rs->status, DNS_TEMPFAIL);
	assert_string_equal(g.rs->reason, "cancelled");
	dns_wire_free(g.rs);
}

int
main(void)
{
	server = getenv("AUTHSWEEP_TEST_DNS");
	if (server == NULL) {
		fprintf(stderr,
		    "AUTHSWEEP_TEST_DNS is not set: run make "
		    "dns-test (tests/dns/run.sh starts the server)\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt_joined_with_ttl),
		cmocka_unit_test(test_truncated_answer_retried_over_tcp),
		cmocka_unit_test(test_negative_answers),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_many_in_flight),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
