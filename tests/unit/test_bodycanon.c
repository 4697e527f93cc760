/*
 * test_bodycanon.c - body canonicalization (RFC 6376 §3.4.3, §3.4.4).
 *
 * Every case runs three ways: in one call, cut at every single position
 * into two chunks, and fed one byte at a time.  All three must give the same
 * bytes, which is what lets the canonicalizer stream.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "canon/blockscan.h"
#include "canon/bodycanon.h"

struct body_case {
	const char *name;
	enum canon_mode mode;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
};

#define BC(name, mode, in, want)                                               \
	{                                                                      \
		name, mode, in, sizeof(in) - 1, want, sizeof(want) - 1         \
	}

static const struct body_case cases[] = {
	/* The empty body: RFC 6376 §3.4.3 and §3.4.4. */
	BC("simple empty body is one CRLF", CANON_SIMPLE, "", "\r\n"),
	BC("relaxed empty body stays empty", CANON_RELAXED, "", ""),
	/* Bodies of only line endings. */
	BC("simple only CRLFs", CANON_SIMPLE, "\r\n\r\n\r\n", "\r\n"),
	BC("relaxed only CRLFs", CANON_RELAXED, "\r\n\r\n\r\n", ""),
	BC("simple only LFs", CANON_SIMPLE, "\n\n", "\r\n"),
	BC("relaxed only LFs", CANON_RELAXED, "\n\n\n", ""),
	/* Trailing empty lines are removed, inner ones kept. */
	BC("simple trailing empty lines", CANON_SIMPLE, "a\r\n\r\n\r\n",
	    "a\r\n"),
	BC("simple inner empty lines", CANON_SIMPLE, "a\r\n\r\n\r\nb\r\n",
	    "a\r\n\r\n\r\nb\r\n"),
	BC("relaxed inner empty lines", CANON_RELAXED, "a\r\n\r\nb\r\n\r\n",
	    "a\r\n\r\nb\r\n"),
	/* Whitespace-only trailing lines: empty under relaxed only. */
	BC("relaxed whitespace-only trailing lines", CANON_RELAXED,
	    "a\r\n \t \r\n\t\r\n  \r\n", "a\r\n"),
	BC("simple keeps whitespace-only lines", CANON_SIMPLE,
	    "a\r\n \t \r\n\r\n", "a\r\n \t \r\n"),
	BC("relaxed whitespace-only body is empty", CANON_RELAXED,
	    " \r\n\t\r\n", ""),
	BC("relaxed inner whitespace-only line becomes empty", CANON_RELAXED,
	    "a\r\n \t\r\nb\r\n", "a\r\n\r\nb\r\n"),
	/* A missing final CRLF is added. */
	BC("simple missing final CRLF", CANON_SIMPLE, "a\r\nb", "a\r\nb\r\n"),
	BC("relaxed missing final CRLF", CANON_RELAXED, "a\r\nb", "a\r\nb\r\n"),
	BC("relaxed missing final CRLF after WSP", CANON_RELAXED, "a  \t",
	    "a\r\n"),
	BC("relaxed one space no CRLF", CANON_RELAXED, " ", ""),
	/* Trailing whitespace and runs of whitespace. */
	BC("relaxed trailing WSP removed", CANON_RELAXED, "a b \t \r\n",
	    "a b\r\n"),
	BC("relaxed WSP runs become one SP", CANON_RELAXED, "a \t  b\t\tc\r\n",
	    "a b c\r\n"),
	BC("relaxed leading WSP becomes one SP", CANON_RELAXED, "  \ta\r\n",
	    " a\r\n"),
	BC("simple keeps all whitespace", CANON_SIMPLE, " a \t b  \r\n",
	    " a \t b  \r\n"),
	/* RFC 6376 §3.4.5 example bodies. */
	BC("rfc6376 3.4.5 relaxed", CANON_RELAXED, " C \r\nD \t E\r\n\r\n\r\n",
	    " C\r\nD E\r\n"),
	BC("rfc6376 3.4.5 simple", CANON_SIMPLE, " C \r\nD \t E\r\n\r\n\r\n",
	    " C \r\nD \t E\r\n"),
	/* LF-only and mixed storage: a bare LF is a line ending. */
	BC("simple LF storage", CANON_SIMPLE, "a\nb\n\n", "a\r\nb\r\n"),
	BC("relaxed LF storage", CANON_RELAXED, "a \nb\t\n \n", "a\r\nb\r\n"),
	BC("simple mixed endings", CANON_SIMPLE, "a\r\nb\nc\r\n",
	    "a\r\nb\r\nc\r\n"),
	/* A CR not followed by LF is data. */
	BC("simple bare CR is data", CANON_SIMPLE, "a\rb\r\n", "a\rb\r\n"),
	BC("relaxed bare CR is data", CANON_RELAXED, "a \rb\r\n", "a \rb\r\n"),
	BC("simple CR CR LF", CANON_SIMPLE, "a\r\r\n", "a\r\r\n"),
	BC("relaxed final bare CR", CANON_RELAXED, "a\r", "a\r\r\n"),
	BC("simple lone CR body", CANON_SIMPLE, "\r", "\r\r\n"),
	BC("relaxed WSP before CR data", CANON_RELAXED, "a \r\r\n", "a \r\r\n"),
	/* NUL and 8-bit bytes are data. */
	BC("simple embedded NUL", CANON_SIMPLE, "a\0b\r\n", "a\0b\r\n"),
	BC("relaxed embedded NUL and 8-bit", CANON_RELAXED, "\0 \xff\t\x80\r\n",
	    "\0 \xff \x80\r\n"),
	BC("relaxed NUL-only line is not empty", CANON_RELAXED,
	    "a\r\n\0\r\n\r\n", "a\r\n\0\r\n"),
};

struct collect {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t num_writes;
};

static void
collect_write(void *ctx, const uint8_t *p, size_t len)
{
	struct collect *c = ctx;
	assert_true(len > 0);
	assert_true(c->len + len <= c->cap);
	memcpy(c->p + c->len, p, len);
	c->len += len;
	c->num_writes++;
}

static bool use_reference;

static void
run_chunks(const struct body_case *tc, const size_t *cuts, size_t num_cuts,
    struct collect *out)
{
	struct bodycanon bc;
	struct byte_sink sink = { collect_write, out };
	bodycanon_init(&bc, tc->mode, sink);
	bc.reference = use_reference;
	size_t pos = 0;
	for (size_t i = 0; i <= num_cuts; i++) {
		size_t end = i < num_cuts ? cuts[i] : tc->in_len;
		bodycanon_update(&bc, (const uint8_t *)tc->in + pos, end - pos);
		pos = end;
	}
	uint64_t n = bodycanon_final(&bc);
	assert_int_equal(n, out->len);
}

static void
run_body_cases(void)
{
	uint8_t buf[512];
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct body_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		/* Whole. */
		struct collect c = { buf, 0, sizeof(buf), 0 };
		run_chunks(tc, NULL, 0, &c);
		assert_span_equal(
		    span_make(buf, c.len), tc->want, tc->want_len);
		/* Every two-chunk split. */
		for (size_t cut = 0; cut <= tc->in_len; cut++) {
			c.len = 0;
			run_chunks(tc, &cut, 1, &c);
			assert_span_equal(
			    span_make(buf, c.len), tc->want, tc->want_len);
		}
		/* One byte at a time. */
		size_t cuts[64];
		assert_true(tc->in_len < ARRAY_LEN(cuts));
		for (size_t k = 0; k < tc->in_len; k++) {
			cuts[k] = k + 1;
		}
		c.len = 0;
		run_chunks(tc, cuts, tc->in_len, &c);
		assert_span_equal(
		    span_make(buf, c.len), tc->want, tc->want_len);
	}
}

static void
test_body_cases(void **state)
{
	(void)state;
	use_reference = false;
	run_body_cases();
}

/* The byte-level reference state machine gives the same answers. */
static void
test_body_cases_reference(void **state)
{
	(void)state;
	use_reference = true;
	run_body_cases();
	use_reference = false;
}

/* lcg advances |*seed| (a 64-bit linear congruential generator) and
 * returns its new value; callers take its high bits. */
static uint64_t
lcg(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return *seed;
}

/* canon_random canonicalizes |in| in random chunks, with or without the
 * fast path, into |out|. */
static uint64_t
canon_random(enum canon_mode mode, bool reference, const uint8_t *in,
    size_t len, size_t max_chunk, uint64_t *seed, struct collect *out)
{
	struct bodycanon bc;
	bodycanon_init(&bc, mode, (struct byte_sink){ collect_write, out });
	bc.reference = reference;
	size_t pos = 0;
	while (pos < len) {
		size_t n = (size_t)(lcg(seed) >> 33) % max_chunk;
		n = n > len - pos ? len - pos : n;
		bodycanon_update(&bc, in + pos, n);
		pos += n;
	}
	return bodycanon_final(&bc);
}

/* Differential: the fast path against the reference on random bodies
 * built from the bytes that matter (WSP, CR, LF, NUL, data), cut at random
 * chunk boundaries. */
static void
test_fast_path_matches_reference(void **state)
{
	(void)state;
	static const uint8_t alphabet[] = { 'a', 'b', ' ', ' ', '\t', '\r',
		'\n', '\n', 0 };
	uint8_t in[300], out_a[700], out_b[700];
	uint64_t seed = 42;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(lcg(&seed) >> 33) % sizeof(in);
		for (size_t i = 0; i < len; i++) {
			in[i] = alphabet[(lcg(&seed) >> 33) % sizeof(alphabet)];
		}
		enum canon_mode mode = iter % 2 ? CANON_RELAXED : CANON_SIMPLE;
		struct collect a = { out_a, 0, sizeof(out_a), 0 };
		struct collect b = { out_b, 0, sizeof(out_b), 0 };
		uint64_t na = canon_random(mode, false, in, len, 40, &seed, &a);
		uint64_t nb = canon_random(mode, true, in, len, 40, &seed, &b);
		assert_int_equal(na, nb);
		assert_span_equal(span_make(out_a, a.len), out_b, b.len);
	}
}

/* The same on longer bodies, mostly data, in chunks large enough for the
 * 64-byte block scan: every rule it applies meets CR, LF, SP and HTAB at
 * every position of a block, and at block and chunk edges. */
static void
block_scan_matches_reference(void)
{
	static const uint8_t alphabet[] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g',
		'h', 'i', 'j', 'k', 'l', ' ', ' ', ' ', '\t', '\r', '\r', '\n',
		'\n' };
	enum { N = 2000 };
	static uint8_t in[N], out_a[2 * N + 2], out_b[2 * N + 2];
	uint64_t seed = 7;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(lcg(&seed) >> 33) % N;
		/* Lines of |line| bytes ending in CRLF, with sparse specials
		 * (one in |gap| bytes), make long runs with line ends at
		 * every position of a block. */
		size_t gap = 1 + (size_t)(seed >> 20) % 40;
		size_t line = 1 + (size_t)(seed >> 40) % 120;
		for (size_t i = 0, col = 0; i < len; i++, col++) {
			size_t r = (size_t)(lcg(&seed) >> 33);
			if (col >= line && iter % 5 == 0) {
				in[i] = '\n'; /* LF-only storage */
				col = 0;
			} else if (col >= line && i + 1 < len) {
				in[i++] = '\r';
				in[i] = '\n';
				col = 0;
			} else if (r % gap == 0) {
				in[i] = alphabet[(r >> 8) % sizeof(alphabet)];
			} else {
				in[i] = alphabet[(r >> 8) % 12];
			}
		}
		/* Often end in blank and whitespace-only lines, where a line
		 * wrongly taken as started shows. */
		size_t tail = len < 80 || iter % 4 == 0 ? 0 : (iter * 7) % 80;
		for (size_t i = len - tail; i < len; i++) {
			in[i] = " \t\r\n\r\n"[(lcg(&seed) >> 33) % 6];
		}
		enum canon_mode mode = iter % 2 ? CANON_RELAXED : CANON_SIMPLE;
		size_t max_chunk = iter % 3 == 0 ? N + 1 : 70 + iter % 200;
		struct collect a = { out_a, 0, sizeof(out_a), 0 };
		struct collect b = { out_b, 0, sizeof(out_b), 0 };
		uint64_t na =
		    canon_random(mode, false, in, len, max_chunk, &seed, &a);
		uint64_t nb = canon_random(mode, true, in, len, 40, &seed, &b);
		assert_int_equal(na, nb);
		assert_span_equal(span_make(out_a, a.len), out_b, b.len);
	}
}

/* ... at every instruction set level this machine supports. */
static void
test_block_scan_matches_reference(void **state)
{
	(void)state;
	enum blockscan_level best = blockscan_level();
	for (int l = BLOCKSCAN_PORTABLE; l <= BLOCKSCAN_AVX512; l++) {
		if (!blockscan_use((enum blockscan_level)l)) {
			printf("block scan: %s not supported here\n",
			    blockscan_name((enum blockscan_level)l));
			continue;
		}
		printf("block scan: %s\n", blockscan_name(blockscan_level()));
		block_scan_matches_reference();
	}
	assert_true(blockscan_use(best));
}

/* A large body reaches the sink in few writes, and many trailing or inner
 * empty lines are handled without a per-line write. */
static void
test_body_batches_output(void **state)
{
	(void)state;
	size_t n = 100000;
	uint8_t *in = malloc(n * 2);
	assert_non_null(in);
	for (size_t i = 0; i < n; i++) {
		in[2 * i] = 'x';
		in[2 * i + 1] = '\n';
	}
	uint8_t *out = malloc(n * 3);
	assert_non_null(out);
	struct collect c = { out, 0, n * 3, 0 };
	struct byte_sink sink = { collect_write, &c };
	uint64_t len = bodycanon_span(CANON_SIMPLE, sink, span_make(in, n * 2));
	assert_int_equal(len, n * 3);
	assert_true(c.num_writes <= n * 3 / BODYCANON_BUF + 1);
	free(in);
	free(out);
}

static void
test_body_many_empty_lines(void **state)
{
	(void)state;
	size_t n = 10000;
	uint8_t *in = malloc(n + 4);
	assert_non_null(in);
	in[0] = 'a';
	memset(in + 1, '\n', n);
	in[n + 1] = 'b';
	uint8_t *out = malloc(2 * n + 8);
	struct collect c = { out, 0, 2 * n + 8, 0 };
	struct byte_sink sink = { collect_write, &c };
	uint64_t len =
	    bodycanon_span(CANON_RELAXED, sink, span_make(in, n + 2));
	/* "a" + n CRLFs + "b" + CRLF. */
	assert_int_equal(len, 1 + 2 * n + 1 + 2);
	assert_int_equal(out[0], 'a');
	assert_int_equal(out[1 + 2 * n], 'b');
	free(in);
	free(out);
}

/* l= support: the limit sink forwards only the first |limit| bytes but
 * counts them all. */
static void
test_limit_sink(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct collect c = { buf, 0, sizeof(buf), 0 };
	struct byte_sink inner = { collect_write, &c };
	struct limit_sink ls;
	limit_sink_init(&ls, inner, 5);
	struct byte_sink s = limit_sink_as_sink(&ls);
	uint64_t n = bodycanon_span(CANON_RELAXED, s, S("abc  def\r\n"));
	assert_int_equal(n, 9);
	assert_int_equal(ls.seen, 9);
	assert_span_equal(span_make(buf, c.len), "abc d", 5);

	/* A limit of zero hashes nothing. */
	c.len = 0;
	limit_sink_init(&ls, inner, 0);
	s = limit_sink_as_sink(&ls);
	(void)bodycanon_span(CANON_SIMPLE, s, S(""));
	assert_int_equal(c.len, 0);
	assert_int_equal(ls.seen, 2);
}

static void
test_tee_sink(void **state)
{
	(void)state;
	uint8_t b1[32], b2[32];
	struct collect c1 = { b1, 0, sizeof(b1), 0 };
	struct collect c2 = { b2, 0, sizeof(b2), 0 };
	struct tee_sink t = { .num_sinks = 0 };
	assert_true(tee_sink_add(&t, (struct byte_sink){ collect_write, &c1 }));
	assert_true(tee_sink_add(&t, (struct byte_sink){ collect_write, &c2 }));
	(void)bodycanon_span(CANON_SIMPLE, tee_sink_as_sink(&t), S("x"));
	assert_span_equal(span_make(b1, c1.len), "x\r\n", 3);
	assert_span_equal(span_make(b2, c2.len), "x\r\n", 3);
	for (size_t i = 2; i < BODYCANON_MAX_TEE; i++) {
		assert_true(
		    tee_sink_add(&t, (struct byte_sink){ collect_write, &c1 }));
	}
	/* A full tee rejects another sink. */
	assert_false(
	    tee_sink_add(&t, (struct byte_sink){ collect_write, &c1 }));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_cases),
		cmocka_unit_test(test_body_cases_reference),
		cmocka_unit_test(test_fast_path_matches_reference),
		cmocka_unit_test(test_block_scan_matches_reference),
		cmocka_unit_test(test_body_batches_output),
		cmocka_unit_test(test_body_many_empty_lines),
		cmocka_unit_test(test_limit_sink),
		cmocka_unit_test(test_tee_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
