/*
 * test_archive.c - dated keys snapshots and the combined view of a run's
 * DNS sources (dns/archive.h).
 *
 * Snapshots come from a loader that fills each zone from a master-file
 * text held in memory and counts its calls, so that the tests can tell
 * which snapshot answered, that a snapshot is read only when needed and
 * only once, and that a failed read is not retried.  The combined view is
 * built over a --keys zone, an archive and an offline cache (dns/cache.h,
 * live = false) in every useful combination.
 */
#include "tests/harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dns/archive.h"
#include "dns/cache.h"

/* MAX_SNAPS bounds the snapshots of the table-driven loader. */
#define MAX_SNAPS 8

/* struct snaps is the loader's argument: one text per snapshot, whether
 * its read fails, and how often it was read. */
struct snaps {
	const char *text[MAX_SNAPS];
	bool fail[MAX_SNAPS];
	atomic_int calls[MAX_SNAPS];
	int delay_ms; /* sleep while loading, to let threads meet */
};

static bool
load_snap(void *arg, size_t index, struct zone *z)
{
	struct snaps *s = arg;
	if (index >= MAX_SNAPS) {
		return false; /* no cmocka assertion: this may run in a thread */
	}
	atomic_fetch_add(&s->calls[index], 1);
	if (s->delay_ms > 0) {
		struct timespec ts = { 0, (long)s->delay_ms * 1000000L };
		nanosleep(&ts, NULL);
	}
	struct zone_error err = { 0, NULL };
	const char *t = s->text[index] != NULL ? s->text[index] : "";
	/* A failing read may have filled part of the zone first. */
	bool ok = zone_add_text(z, span_make(t, strlen(t)), &err);
	return ok && !s->fail[index];
}

static int
calls(struct snaps *s, size_t index)
{
	return atomic_load(&s->calls[index]);
}

/* three_snaps: key "k" holds "v1" from 1000, "v2" from 2000 and "v3" from
 * 3000; "old" exists only in the first snapshot. */
static void
three_snaps(struct snaps *s)
{
	memset(s, 0, sizeof(*s));
	s->text[0] = "k.example. TXT v1\nold.example. TXT gone-later\n";
	s->text[1] = "k.example. TXT v2\n";
	s->text[2] = "k.example. TXT v3\n";
}

static struct dns_archive *
archive_new(struct snaps *s, const int64_t *from, size_t n)
{
	struct dns_archive *a = dns_archive_new(load_snap, s);
	assert_non_null(a);
	for (size_t i = 0; i < n; i++) {
		assert_true(dns_archive_add(a, from[i]));
	}
	assert_int_equal(dns_archive_size(a), n);
	return a;
}

static const struct dns_rrset *
find(struct dns_archive *a, const char *name, int64_t when)
{
	return dns_archive_find(
	    a, span_make(name, strlen(name)), DNS_T_TXT, when);
}

static const int64_t three_from[] = { 1000, 2000, 3000 };

/* ---- the archive --------------------------------------------------------- */

struct when_case {
	int64_t when;
	const char *want; /* NULL: no snapshot is as old */
};

/* A lookup at E is answered by the newest snapshot with from <= E; before
 * the first snapshot there is no answer. */
static void
test_archive_picks_snapshot_by_time(void **state)
{
	(void)state;
	struct snaps s;
	three_snaps(&s);
	struct dns_archive *a = archive_new(&s, three_from, 3);
	static const struct when_case cases[] = {
		{ INT64_MIN, NULL },
		{ -1, NULL },
		{ 999, NULL },
		{ 1000, "v1" },
		{ 1999, "v1" },
		{ 2000, "v2" },
		{ 2001, "v2" },
		{ 2999, "v2" },
		{ 3000, "v3" },
		{ INT64_MAX, "v3" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("when %lld\n", (long long)cases[i].when);
		const struct dns_rrset *rr =
		    find(a, "k.example", cases[i].when);
		if (cases[i].want == NULL) {
			assert_null(rr);
			continue;
		}
		assert_non_null(rr);
		assert_int_equal(rr->status, DNS_OK);
		assert_span_equal(
		    rr->rrs[0], cases[i].want, strlen(cases[i].want));
	}
	/* A snapshot answers for itself: a name it lacks is NXDOMAIN even
	 * if an older snapshot held it. */
	assert_int_equal(find(a, "old.example", 1500)->status, DNS_OK);
	assert_int_equal(find(a, "old.example", 2500)->status, DNS_NXDOMAIN);
	assert_int_equal(
	    dns_archive_find(a, S("k.example"), DNS_T_A, 2500)->status,
	    DNS_NODATA);
	/* Lookups ignore case and a final dot, as every view does. */
	assert_ptr_equal(
	    find(a, "K.Example.", 2500), find(a, "k.example", 2500));
	dns_archive_free(a);
	dns_archive_free(NULL);
}

/* An empty archive answers nothing. */
static void
test_archive_empty(void **state)
{
	(void)state;
	struct snaps s;
	three_snaps(&s);
	struct dns_archive *a = archive_new(&s, NULL, 0);
	assert_null(find(a, "k.example", 0));
	assert_null(find(a, "k.example", INT64_MAX));
	assert_int_equal(calls(&s, 0), 0);
	dns_archive_free(a);
}

/* Snapshots are read only when a lookup needs them, and once. */
static void
test_archive_loads_lazily_once(void **state)
{
	(void)state;
	struct snaps s;
	three_snaps(&s);
	struct dns_archive *a = archive_new(&s, three_from, 3);
	assert_int_equal(calls(&s, 0) + calls(&s, 1) + calls(&s, 2), 0);
	/* Before the first snapshot nothing is read. */
	assert_null(find(a, "k.example", 10));
	assert_int_equal(calls(&s, 0) + calls(&s, 1) + calls(&s, 2), 0);

	const struct dns_rrset *rr = find(a, "k.example", 3500);
	assert_span_equal(rr->rrs[0], "v3", 2);
	assert_int_equal(calls(&s, 0), 0);
	assert_int_equal(calls(&s, 1), 0);
	assert_int_equal(calls(&s, 2), 1);

	for (int i = 0; i < 5; i++) {
		assert_ptr_equal(find(a, "k.example", 3000 + i), rr);
		(void)find(a, "k.example", 1000 + i);
	}
	assert_int_equal(calls(&s, 0), 1);
	assert_int_equal(calls(&s, 1), 0);
	assert_int_equal(calls(&s, 2), 1);
	dns_archive_free(a);
}

/* A snapshot the loader cannot read answers DNS_TEMPFAIL "keys snapshot
 * unreadable" for the rest of the run without being asked for again;
 * the other snapshots are not affected.  A loader that filled part of the
 * zone before failing counts as failed too. */
static void
test_archive_failed_load(void **state)
{
	(void)state;
	struct snaps s;
	three_snaps(&s);
	s.fail[1] = true;
	s.text[2] = "k.example. TXT v3\nbad. A 1.2.3.4.5\n";
	struct dns_archive *a = archive_new(&s, three_from, 3);
	for (int i = 0; i < 3; i++) {
		const struct dns_rrset *rr = find(a, "k.example", 2500);
		assert_non_null(rr);
		assert_int_equal(rr->status, DNS_TEMPFAIL);
		assert_int_equal(rr->num_rrs, 0);
		assert_string_equal(rr->reason, "keys snapshot unreadable");
		rr = find(a, "k.example", 3500);
		assert_int_equal(rr->status, DNS_TEMPFAIL);
		assert_string_equal(rr->reason, "keys snapshot unreadable");
	}
	assert_int_equal(calls(&s, 1), 1);
	assert_int_equal(calls(&s, 2), 1);
	const struct dns_rrset *rr = find(a, "k.example", 1500);
	assert_int_equal(rr->status, DNS_OK);
	assert_span_equal(rr->rrs[0], "v1", 2);
	dns_archive_free(a);
}

/* Snapshots must be added in strictly ascending order of their dates; a
 * refused one is not added. */
static void
test_archive_add_refuses_non_ascending(void **state)
{
	(void)state;
	struct snaps s;
	three_snaps(&s);
	struct dns_archive *a = dns_archive_new(load_snap, &s);
	assert_non_null(a);
	assert_true(dns_archive_add(a, 1000));
	assert_false(dns_archive_add(a, 1000));
	assert_false(dns_archive_add(a, 999));
	assert_false(dns_archive_add(a, INT64_MIN));
	assert_int_equal(dns_archive_size(a), 1);
	assert_true(dns_archive_add(a, 1001));
	assert_false(dns_archive_add(a, 1000));
	assert_int_equal(dns_archive_size(a), 2);
	/* Snapshot 1 is the one from 1001: the refused ones left no gap. */
	s.text[1] = "k.example. TXT second\n";
	const struct dns_rrset *rr = find(a, "k.example", 5000);
	assert_int_equal(rr->status, DNS_OK);
	assert_span_equal(rr->rrs[0], "second", 6);
	assert_int_equal(calls(&s, 1), 1);
	dns_archive_free(a);

	/* Negative dates (before 1970) are dates like any other. */
	a = dns_archive_new(load_snap, &s);
	assert_true(dns_archive_add(a, -5000));
	assert_true(dns_archive_add(a, -1));
	assert_true(dns_archive_add(a, 0));
	assert_int_equal(dns_archive_size(a), 3);
	assert_null(find(a, "k.example", -5001));
	dns_archive_free(a);
}

/* load_numbered fills snapshot i with "k TXT <i>". */
static bool
load_numbered(void *arg, size_t index, struct zone *z)
{
	atomic_int *n = arg;
	atomic_fetch_add(n, 1);
	char text[64];
	int len = snprintf(text, sizeof(text), "k. TXT \"%zu\"\n", index);
	struct zone_error err = { 0, NULL };
	return zone_add_text(z, span_make(text, (size_t)len), &err);
}

/* Many snapshots (more than the first allocation holds): each date picks
 * its own snapshot, and the one before it just before that date. */
static void
test_archive_many_snapshots(void **state)
{
	(void)state;
	atomic_int n;
	atomic_init(&n, 0);
	struct dns_archive *a = dns_archive_new(load_numbered, &n);
	assert_non_null(a);
	size_t num = 100;
	for (size_t i = 0; i < num; i++) {
		assert_true(dns_archive_add(a, (int64_t)(i * i * 86400)));
	}
	assert_int_equal(dns_archive_size(a), num);
	for (size_t i = 0; i < num; i++) {
		char want[32];
		int wl = snprintf(want, sizeof(want), "%zu", i);
		int64_t from = (int64_t)(i * i * 86400);
		const struct dns_rrset *rr = find(a, "k", from);
		assert_non_null(rr);
		assert_span_equal(rr->rrs[0], want, (size_t)wl);
		rr = find(a, "k", from + 86399);
		assert_span_equal(rr->rrs[0], want, (size_t)wl);
		if (i > 0) {
			wl = snprintf(want, sizeof(want), "%zu", i - 1);
			rr = find(a, "k", from - 1);
			assert_span_equal(rr->rrs[0], want, (size_t)wl);
		}
	}
	assert_int_equal(atomic_load(&n), (int)num);
	dns_archive_free(a);
}

struct racer {
	struct dns_archive *a;
	const struct dns_rrset *got;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	r->got = dns_archive_find(r->a, S("k.example"), DNS_T_TXT, 2500);
	return NULL;
}

/* Threads that need the same snapshot at once read it once and get the
 * same answer. */
static void
test_archive_concurrent_load(void **state)
{
	(void)state;
	struct snaps s;
	three_snaps(&s);
	s.delay_ms = 20;
	struct dns_archive *a = archive_new(&s, three_from, 3);
	enum { NUM_THREADS = 8 };
	pthread_t th[NUM_THREADS];
	struct racer r[NUM_THREADS];
	for (size_t i = 0; i < NUM_THREADS; i++) {
		r[i] = (struct racer){ a, NULL };
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (size_t i = 0; i < NUM_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
	}
	assert_int_equal(calls(&s, 1), 1);
	assert_non_null(r[0].got);
	assert_int_equal(r[0].got->status, DNS_OK);
	assert_span_equal(r[0].got->rrs[0], "v2", 2);
	for (size_t i = 1; i < NUM_THREADS; i++) {
		assert_ptr_equal(r[i].got, r[0].got);
	}
	dns_archive_free(a);
}

/* ---- the combined view --------------------------------------------------- */

static struct zone *
zone_with(const char *text)
{
	struct zone *z = zone_new();
	assert_non_null(z);
	struct zone_error err = { 0, NULL };
	assert_true(zone_add_text(z, span_make(text, strlen(text)), &err));
	return z;
}

static struct dns_cache *
cache_with(const char *text)
{
	struct dns_cache_config cfg = { .live = false };
	struct dns_cache *c = NULL;
	const char *why = NULL;
	assert_int_equal(dns_cache_new(&c, &cfg, &why), 0);
	struct zone_error err = { 0, NULL };
	assert_true(dns_cache_load(c, span_make(text, strlen(text)), &err));
	return c;
}

static const struct dns_rrset *
ask(const struct dns_sources *s, const char *name, enum dns_type type,
    int64_t when)
{
	struct dns_waits waits;
	dns_waits_clear(&waits);
	struct dns_view v = dns_sources_view(s, &waits);
	const struct dns_rrset *rr =
	    dns_view_lookup(&v, span_make(name, strlen(name)), type, when);
	assert_non_null(rr);
	assert_int_not_equal(rr->status, DNS_PENDING);
	assert_int_equal(waits.pending, 0);
	return rr;
}

/* assert_txt fails unless |rr| is DNS_OK with one record |want|. */
static void
assert_txt(const struct dns_rrset *rr, const char *want)
{
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->num_rrs, 1);
	assert_span_equal(rr->rrs[0], want, strlen(want));
}

static const char keys_text[] = "k.example. TXT from-keys\n"
                                "a.example. A 192.0.2.1\n";

static const char cache_text[] = ";@ 100 OK k.example. TXT 60\n"
                                 "k.example. 60 IN TXT from-cache\n"
                                 ";@ 100 OK c.example. TXT 60\n"
                                 "c.example. 60 IN TXT cache-only\n"
                                 ";@ 100 OK a.example. TXT 60\n"
                                 "a.example. 60 IN TXT cache-a\n"
                                 ";@ 100 OK old.example. TXT 60\n"
                                 "old.example. 60 IN TXT cache-old\n";

/* The --keys zone alone answers every name, NXDOMAIN included. */
static void
test_sources_keys_alone(void **state)
{
	(void)state;
	struct zone *keys = zone_with(keys_text);
	struct dns_sources s = { keys, NULL, NULL };
	assert_txt(ask(&s, "k.example", DNS_T_TXT, 0), "from-keys");
	assert_txt(ask(&s, "K.EXAMPLE.", DNS_T_TXT, 0), "from-keys");
	assert_int_equal(
	    ask(&s, "x.example", DNS_T_TXT, 0)->status, DNS_NXDOMAIN);
	assert_int_equal(
	    ask(&s, "a.example", DNS_T_TXT, 0)->status, DNS_NODATA);
	zone_free(keys);
}

/* Without any source, every lookup is DNS_TEMPFAIL. */
static void
test_sources_none(void **state)
{
	(void)state;
	struct dns_sources s = { NULL, NULL, NULL };
	const struct dns_rrset *rr = ask(&s, "k.example", DNS_T_TXT, 0);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_non_null(rr->reason);
}

/* --keys then the archive: a name the keys zone holds (NODATA counts:
 * the name exists there) is answered from it; one it does not hold goes
 * to the archive snapshot for the time; a message older than every
 * snapshot, with no cache behind, gets DNS_TEMPFAIL. */
static void
test_sources_keys_then_archive(void **state)
{
	(void)state;
	struct zone *keys = zone_with(keys_text);
	struct snaps sn;
	three_snaps(&sn);
	sn.text[1] = "k.example. TXT v2\nx.example. TXT x2\n"
	             "a.example. TXT archive-a\n";
	struct dns_archive *a = archive_new(&sn, three_from, 3);
	struct dns_sources s = { keys, a, NULL };

	assert_txt(ask(&s, "k.example", DNS_T_TXT, 2500), "from-keys");
	assert_int_equal(
	    ask(&s, "a.example", DNS_T_TXT, 2500)->status, DNS_NODATA);
	assert_txt(ask(&s, "x.example", DNS_T_TXT, 2500), "x2");
	assert_int_equal(
	    ask(&s, "x.example", DNS_T_TXT, 3500)->status, DNS_NXDOMAIN);
	assert_txt(ask(&s, "old.example", DNS_T_TXT, 1500), "gone-later");

	const struct dns_rrset *rr = ask(&s, "x.example", DNS_T_TXT, 999);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_string_equal(
	    rr->reason, "no keys snapshot as old as the message");
	/* The keys zone still answers what it holds at any time. */
	assert_txt(ask(&s, "k.example", DNS_T_TXT, 999), "from-keys");
	dns_archive_free(a);
	zone_free(keys);
}

/* The archive alone: too old is DNS_TEMPFAIL, an unreadable snapshot is
 * DNS_TEMPFAIL with its own reason. */
static void
test_sources_archive_alone(void **state)
{
	(void)state;
	struct snaps sn;
	three_snaps(&sn);
	sn.fail[2] = true;
	struct dns_archive *a = archive_new(&sn, three_from, 3);
	struct dns_sources s = { NULL, a, NULL };
	assert_txt(ask(&s, "k.example", DNS_T_TXT, 1000), "v1");
	assert_int_equal(
	    ask(&s, "nope.example", DNS_T_TXT, 1000)->status, DNS_NXDOMAIN);
	const struct dns_rrset *rr = ask(&s, "k.example", DNS_T_TXT, 0);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_string_equal(
	    rr->reason, "no keys snapshot as old as the message");
	rr = ask(&s, "k.example", DNS_T_TXT, 3000);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_string_equal(rr->reason, "keys snapshot unreadable");
	dns_archive_free(a);
}

/* --keys, the archive, then an offline cache: the cache answers only what
 * the archive cannot, i.e. messages older than every snapshot; a snapshot
 * that exists answers even NXDOMAIN for the time, and an unreadable one
 * is not replaced by the cache. */
static void
test_sources_keys_archive_cache(void **state)
{
	(void)state;
	struct zone *keys = zone_with(keys_text);
	struct snaps sn;
	three_snaps(&sn);
	sn.fail[2] = true;
	struct dns_archive *a = archive_new(&sn, three_from, 3);
	struct dns_cache *c = cache_with(cache_text);
	struct dns_sources s = { keys, a, c };

	/* Keys first, whatever the others hold. */
	assert_txt(ask(&s, "k.example", DNS_T_TXT, 500), "from-keys");
	assert_txt(ask(&s, "k.example", DNS_T_TXT, 1500), "from-keys");
	assert_int_equal(
	    ask(&s, "a.example", DNS_T_TXT, 500)->status, DNS_NODATA);
	/* Within the archive's time, the snapshot answers. */
	assert_txt(ask(&s, "old.example", DNS_T_TXT, 1500), "gone-later");
	assert_int_equal(
	    ask(&s, "c.example", DNS_T_TXT, 1500)->status, DNS_NXDOMAIN);
	assert_int_equal(
	    ask(&s, "old.example", DNS_T_TXT, 2500)->status, DNS_NXDOMAIN);
	const struct dns_rrset *rr = ask(&s, "c.example", DNS_T_TXT, 3500);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_string_equal(rr->reason, "keys snapshot unreadable");
	/* Older than every snapshot: the cache, at the time asked. */
	assert_txt(ask(&s, "c.example", DNS_T_TXT, 500), "cache-only");
	assert_txt(ask(&s, "old.example", DNS_T_TXT, 120), "cache-old");
	rr = ask(&s, "n.example", DNS_T_TXT, 500);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_non_null(strstr(rr->reason, "offline"));
	dns_cache_free(c);
	dns_archive_free(a);
	zone_free(keys);
}

/* --keys then an offline cache (no archive): names the keys zone does
 * not hold go to the cache, which picks its observation by time. */
static void
test_sources_keys_then_cache(void **state)
{
	(void)state;
	struct zone *keys = zone_with(keys_text);
	struct dns_cache *c = cache_with(";@ 100 OK c.example. TXT 60\n"
	                                 "c.example. 60 IN TXT first\n"
	                                 ";@ 500 OK c.example. TXT 60\n"
	                                 "c.example. 60 IN TXT second\n");
	struct dns_sources s = { keys, NULL, c };
	assert_txt(ask(&s, "k.example", DNS_T_TXT, 100), "from-keys");
	assert_txt(ask(&s, "c.example", DNS_T_TXT, 100), "first");
	assert_txt(ask(&s, "c.example", DNS_T_TXT, 200), "second");
	const struct dns_rrset *rr = ask(&s, "x.example", DNS_T_TXT, 100);
	assert_int_equal(rr->status, DNS_TEMPFAIL);
	assert_non_null(strstr(rr->reason, "offline"));

	/* The cache alone. */
	struct dns_sources only = { NULL, NULL, c };
	assert_txt(ask(&only, "c.example", DNS_T_TXT, 0), "first");
	assert_int_equal(
	    ask(&only, "k.example", DNS_T_TXT, 0)->status, DNS_TEMPFAIL);
	dns_cache_free(c);
	zone_free(keys);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive_picks_snapshot_by_time),
		cmocka_unit_test(test_archive_empty),
		cmocka_unit_test(test_archive_loads_lazily_once),
		cmocka_unit_test(test_archive_failed_load),
		cmocka_unit_test(test_archive_add_refuses_non_ascending),
		cmocka_unit_test(test_archive_many_snapshots),
		cmocka_unit_test(test_archive_concurrent_load),
		cmocka_unit_test(test_sources_keys_alone),
		cmocka_unit_test(test_sources_none),
		cmocka_unit_test(test_sources_keys_then_archive),
		cmocka_unit_test(test_sources_archive_alone),
		cmocka_unit_test(test_sources_keys_archive_cache),
		cmocka_unit_test(test_sources_keys_then_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
