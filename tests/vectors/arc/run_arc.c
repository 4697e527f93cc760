/*
 * run_arc.c - ARC conformance data run through auth_verify.
 *
 *   valimail  the ValiMail ARC validation suite: 171 tests, each a message
 *             and the chain validation status it must get.  The YAML is
 *             turned into a plain file by tests/vectors/arc_valimail.py;
 *             the Makefile passes its path in ARC_VALIMAIL.
 *   kumomta   two real Fastmail-sealed messages (pass).
 *   stalwart  Stalwart's two ARC files (pass; 002 seals i=1 with
 *             ed25519-sha256).
 *
 * As in run_vectors.c, a case where authsweep deliberately differs is
 * listed in `deviations` with what authsweep says and the rule behind it;
 * the run fails on any other difference and on a listed deviation that no
 * longer happens.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/arc.h"
#include "canon/arena.h"
#include "crypto/digest.h"
#include "tests/vectors/vectors.h"

/* The suites' messages carry t= values of 1970 and of their own years and
 * no x=; any fixed time works. */
#define TIME_ARC 1700000000

struct deviation {
	const char *suite;
	const char *id;
	const char *ours; /* "pass", "fail" or "none" */
	const char *why;
	bool seen;
};

#define HTAG                                                                   \
	"an AMS h= with no field name, or an empty one between colons, does "  \
	"not parse: RFC 8617 §4.1.2 takes h= from DKIM, whose sig-h-tag is "   \
	"hdr-name *( \":\" hdr-name ) (RFC 6376 §3.5)"

static struct deviation deviations[] = {
	{ "valimail", "ams_fields_h_empty", "fail", HTAG, false },
	{ "valimail", "ams_fields_h_mis_hdr", "fail", HTAG, false },
	{ NULL, NULL, NULL, NULL, false },
};

static struct dkim_verifier *verifier;
static struct arena arena;
static int agree, deviate, mismatch;

static int
setup(void **state)
{
	(void)state;
	if (!crypto_init()) {
		return -1;
	}
	verifier = dkim_verifier_new();
	arena_init(&arena, (size_t)4 << 20);
	return verifier != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dkim_verifier_free(verifier);
	arena_cleanup(&arena);
	crypto_cleanup();
	return 0;
}

/* check runs one message and compares its chain status with |want|. */
static void
check(const char *suite, const char *id, const struct dns_view *dns,
    const uint8_t *p, size_t len, const char *want)
{
	struct msg m;
	struct dkim_outcome dk;
	struct arc_outcome arc;
	const char *ours = "none";
	char detail[160] = "";
	arena_reset(&arena);
	if (msg_parse(&m, &arena, p, len) == MSG_OK) {
		assert_true(auth_verify(
		    verifier, &dk, &arc, &m, dns, TIME_ARC, &arena));
		assert_false(dk.pending);
		ours = arc_result_str(arc.result);
		if (arc.result == ARC_FAIL) {
			const struct arc_instance *in = arc.broken > 0 &&
			        arc.broken <= arc.num_instances
			    ? &arc.inst[arc.broken - 1]
			    : NULL;
			snprintf(detail, sizeof(detail), "%s at i=%u%s%s%s%s",
			    arc_reason_code(arc.reason), arc.broken,
			    in ? " ams=" : "",
			    in ? dkim_reason_code(in->ams.reason) : "",
			    in ? " as=" : "",
			    in ? dkim_reason_code(in->as.reason) : "");
		}
	}
	for (size_t i = 0; deviations[i].suite != NULL; i++) {
		struct deviation *d = &deviations[i];
		if (strcmp(d->suite, suite) == 0 && strcmp(d->id, id) == 0) {
			d->seen = true;
			if (strcmp(ours, d->ours) != 0) {
				print_error("%s %s: deviation listed as %s, "
				            "got %s %s\n",
				    suite, id, d->ours, ours, detail);
				mismatch++;
			} else {
				deviate++;
			}
			return;
		}
	}
	if (strcmp(ours, want) == 0) {
		agree++;
	} else {
		print_error("%s %s: want %s, got %s %s\n", suite, id, want, ours,
		    detail);
		mismatch++;
	}
}

static bool
next_line(struct span *in, struct span *line)
{
	if (in->len == 0) {
		return false;
	}
	size_t n = span_find(*in, '\n');
	(void)span_get_bytes(in, line, n);
	(void)span_skip(in, 1);
	return true;
}

static void
test_valimail(void **state)
{
	(void)state;
	const char *path = getenv("ARC_VALIMAIL");
	assert_non_null(path);
	size_t len;
	char *text = harness_read_file(path, &len);
	assert_non_null(text);
	struct span in = span_make(text, len), line;
	struct vec_dns dns;
	bool have_dns = false;
	int tests = 0;
	while (next_line(&in, &line)) {
		if (line.len >= 2 && line.p[0] == 'S') {
			if (have_dns) {
				vec_dns_cleanup(&dns);
			}
			vec_dns_init(&dns);
			have_dns = true;
		} else if (line.len >= 2 && line.p[0] == 'K') {
			assert_true(vec_dns_add_lines(
			    &dns, span_make(line.p + 2, line.len - 2)));
		} else if (line.len >= 2 && line.p[0] == 'T') {
			char id[128], cv[16];
			size_t n;
			char buf[256];
			vec_span_str(buf, sizeof(buf), line);
			assert_int_equal(
			    sscanf(buf, "T %127s %15s %zu", id, cv, &n), 3);
			assert_true(in.len >= n);
			check("valimail", id, &dns.view, in.p, n, cv);
			(void)span_skip(&in, n);
			(void)next_line(&in, &line);
			tests++;
		}
	}
	if (have_dns) {
		vec_dns_cleanup(&dns);
	}
	assert_int_equal(tests, 171);
	free(text);
}

/* lf_to_crlf returns |p| with every bare LF made CRLF (malloc'd). */
static char *
lf_to_crlf(const char *p, size_t len, size_t *out_len)
{
	char *o = malloc(len * 2 + 1);
	assert_non_null(o);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			o[n++] = '\r';
		}
		o[n++] = p[i];
	}
	*out_len = n;
	return o;
}

static void
run_file(const char *suite, const char *dir, const char *file,
    struct vec_dns *dns, const char *want)
{
	char path[512];
	snprintf(path, sizeof(path), VEC_DIR "/%s/%s", dir, file);
	size_t len, n;
	char *raw = harness_read_file(path, &len);
	assert_non_null(raw);
	char *msg = lf_to_crlf(raw, len, &n);
	check(suite, file, &dns->view, (const uint8_t *)msg, n, want);
	free(msg);
	free(raw);
}

static void
load_dns(struct vec_dns *dns, const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), VEC_DIR "/%s/dns.txt", dir);
	size_t len;
	char *text = harness_read_file(path, &len);
	assert_non_null(text);
	vec_dns_init(dns);
	assert_true(vec_dns_add_lines(dns, span_make(text, len)));
	free(text);
}

static void
test_kumomta(void **state)
{
	(void)state;
	struct vec_dns dns;
	load_dns(&dns, "arc-kumomta");
	run_file("kumomta", "arc-kumomta", "arc-example.eml", &dns, "pass");
	run_file("kumomta", "arc-kumomta", "arc-example-2.eml", &dns, "pass");
	vec_dns_cleanup(&dns);
}

static void
test_stalwart(void **state)
{
	(void)state;
	static const char *const files[] = { "arc/001.txt", "arc/002.txt" };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char path[512];
		snprintf(path, sizeof(path), VEC_DIR "/stalwart-mail-auth/%s",
		    files[i]);
		size_t len;
		char *text = harness_read_file(path, &len);
		assert_non_null(text);
		/* The keys come first, then a blank line, then the message. */
		char *sep = strstr(text, "\n\n");
		assert_non_null(sep);
		struct vec_dns dns;
		vec_dns_init(&dns);
		assert_true(vec_dns_add_lines(
		    &dns, span_make(text, (size_t)(sep - text))));
		const char *msg = sep + 2;
		check("stalwart", files[i], &dns.view, (const uint8_t *)msg,
		    len - (size_t)(msg - text), "pass");
		vec_dns_cleanup(&dns);
		free(text);
	}
}

static void
test_summary(void **state)
{
	(void)state;
	for (size_t i = 0; deviations[i].suite != NULL; i++) {
		if (!deviations[i].seen) {
			print_error("stale deviation: %s %s\n",
			    deviations[i].suite, deviations[i].id);
			mismatch++;
		}
	}
	print_message("arc conformance: %d agree, %d documented deviations, "
	              "%d mismatches\n",
	    agree, deviate, mismatch);
	assert_int_equal(mismatch, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valimail),
		cmocka_unit_test(test_kumomta),
		cmocka_unit_test(test_stalwart),
		cmocka_unit_test(test_summary),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
