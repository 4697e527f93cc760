/*
 * test_hdrcanon.c - header field canonicalization (RFC 6376 §3.4.1,
 * §3.4.2; canon/hdrcanon.h).
 *
 * Each case is a stored message; the field at the given index is parsed with
 * msg_parse and canonicalized in both modes through a span_buf sink, and
 * both outputs are compared byte for byte.
 */
#include "tests/harness.h"

#include <stdlib.h>

#include "canon/blockscan.h"
#include "canon/hdrcanon.h"
#include "canon/msg.h"

struct hc_case {
	const char *name;
	struct span msg;
	size_t index;
	struct span want_simple;
	struct span want_relaxed;
};

static void
canon_into(struct span_buf *b, enum canon_mode mode, const struct msg_field *f)
{
	struct byte_sink sink = span_buf_sink(b);
	hdrcanon_field(&sink, mode, f);
	assert_false(b->overflow);
}

static void
test_hdrcanon_cases(void **state)
{
	(void)state;
	const struct hc_case cases[] = {
		/* RFC 6376 §3.4.5. */
		{ "rfc6376 3.4.5 first field",
		    S("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n"), 0, S("A: X"),
		    S("a:X") },
		{ "rfc6376 3.4.5 second field",
		    S("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n"), 1,
		    S("B : Y\t\r\n\tZ  "), S("b:Y Z") },
		{ "rfc6376 3.4.5 LF storage", S("A: X\nB : Y\t\n\tZ  \n\n"), 1,
		    S("B : Y\t\r\n\tZ  "), S("b:Y Z") },
		/* Unfolding. */
		{ "unfold CRLF", S("Subject: a\r\n b\r\n\r\n"), 0,
		    S("Subject: a\r\n b"), S("subject:a b") },
		{ "unfold bare LF", S("Subject: a\n\tb\n\n"), 0,
		    S("Subject: a\r\n\tb"), S("subject:a b") },
		{ "unfold several lines", S("S: a\r\n  b\r\n\t\tc\r\n d\r\n"),
		    0, S("S: a\r\n  b\r\n\t\tc\r\n d"), S("s:a b c d") },
		{ "mixed folding", S("A: 1\r\n 2\n 3\r\n\r\n"), 0,
		    S("A: 1\r\n 2\r\n 3"), S("a:1 2 3") },
		{ "value starts on a continuation line", S("A:\r\n b\r\n"), 0,
		    S("A:\r\n b"), S("a:b") },
		{ "folding right after the name and WSP", S("A : \n x \n"), 0,
		    S("A : \r\n x "), S("a:x") },
		/* White space around the colon and at the end. */
		{ "WSP around the colon", S("Subject \t: \t x\n\n"), 0,
		    S("Subject \t: \t x"), S("subject:x") },
		{ "no WSP at all", S("Subject:x\n\n"), 0, S("Subject:x"),
		    S("subject:x") },
		{ "trailing WSP", S("Subject: x \t \n\n"), 0,
		    S("Subject: x \t "), S("subject:x") },
		{ "trailing WSP on folded last line", S("Subject: x\n \t\n\n"),
		    0, S("Subject: x\r\n \t"), S("subject:x") },
		{ "tabs inside the value", S("A:\tx\t\ty \t z\n\n"), 0,
		    S("A:\tx\t\ty \t z"), S("a:x y z") },
		/* Case: the name is lowercased, the value is not. */
		{ "name lowercased, value keeps case",
		    S("SUBJECT: HeLLo WoRLD\n\n"), 0, S("SUBJECT: HeLLo WoRLD"),
		    S("subject:HeLLo WoRLD") },
		{ "mixed case name with punctuation", S("X-ABC_1.Z: V\n\n"), 0,
		    S("X-ABC_1.Z: V"), S("x-abc_1.z:V") },
		/* Empty and WSP-only values. */
		{ "empty value", S("Subject:\n\n"), 0, S("Subject:"),
		    S("subject:") },
		{ "value of only WSP", S("Subject: \t \n\n"), 0,
		    S("Subject: \t "), S("subject:") },
		{ "value of only folding WSP", S("Subject:\r\n \r\n\t\r\n\r\n"),
		    0, S("Subject:\r\n \r\n\t"), S("subject:") },
		/* Data bytes: bare CR, NUL, 8-bit. */
		{ "bare CR in value kept", S("A: b\rc\r\n\r\n"), 0,
		    S("A: b\rc"), S("a:b\rc") },
		{ "bare CR between WSP", S("A: b \r c\n\n"), 0, S("A: b \r c"),
		    S("a:b \r c") },
		{ "CR CR LF folding keeps one CR", S("A: b\r\r\n c\r\n\r\n"), 0,
		    S("A: b\r\r\n c"), S("a:b\r c") },
		{ "trailing bare CR is data", S("A: b \r"), 0, S("A: b \r"),
		    S("a:b \r") },
		{ "embedded NUL kept", S("A: b\0 \0c\n\n"), 0, S("A: b\0 \0c"),
		    S("a:b\0 \0c") },
		{ "8-bit bytes kept", S("A: \xc3\xa9  \xff\n\n"), 0,
		    S("A: \xc3\xa9  \xff"), S("a:\xc3\xa9 \xff") },
		{ "8-bit bytes are not lowercased", S("A: \xc9\n\n"), 0,
		    S("A: \xc9"), S("a:\xc9") },
		/* A malformed line is passed through as stored. */
		{ "malformed field is written raw", S(" A: B\n\n"), 0,
		    S(" A: B"), S(" A: B") },
		{ "malformed folded field", S("no colon\n x\n\n"), 0,
		    S("no colon\r\n x"), S("no colon\r\n x") },
	};
	struct arena a;
	arena_init(&a, 4096);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct hc_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		struct msg m;
		assert_int_equal(
		    msg_parse(&m, &a, tc->msg.p, tc->msg.len), MSG_OK);
		assert_true(tc->index < m.num_fields);
		const struct msg_field *f = &m.fields[tc->index];
		uint8_t out[256];
		struct span_buf b;

		span_buf_init(&b, out, sizeof(out));
		canon_into(&b, CANON_SIMPLE, f);
		assert_span_equal(span_make(out, b.len), tc->want_simple.p,
		    tc->want_simple.len);

		span_buf_init(&b, out, sizeof(out));
		canon_into(&b, CANON_RELAXED, f);
		assert_span_equal(span_make(out, b.len), tc->want_relaxed.p,
		    tc->want_relaxed.len);
		arena_reset(&a);
	}
	arena_cleanup(&a);
}

struct simple_case {
	const char *name;
	struct span raw;
	struct span want;
};

/* hdrcanon_simple on raw bytes: only a bare LF changes. */
static void
test_hdrcanon_simple_raw_cases(void **state)
{
	(void)state;
	const struct simple_case cases[] = {
		{ "no line breaks", S("A: b"), S("A: b") },
		{ "CRLF kept", S("A: b\r\n c"), S("A: b\r\n c") },
		{ "bare LF gets a CR", S("A: b\n c"), S("A: b\r\n c") },
		{ "leading LF", S("\nx"), S("\r\nx") },
		{ "two LFs", S("a\n\nb"), S("a\r\n\r\nb") },
		{ "CRLF then LF", S("a\r\n\nb"), S("a\r\n\r\nb") },
		{ "trailing LF", S("a\n"), S("a\r\n") },
		{ "bare CR unchanged", S("a\rb\r"), S("a\rb\r") },
		{ "NUL before LF", S("a\0\nb"), S("a\0\r\nb") },
		{ "empty", S(""), S("") },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct simple_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		uint8_t out[64];
		struct span_buf b;
		span_buf_init(&b, out, sizeof(out));
		struct byte_sink sink = span_buf_sink(&b);
		hdrcanon_simple(&sink, tc->raw);
		assert_false(b.overflow);
		assert_span_equal(
		    span_make(out, b.len), tc->want.p, tc->want.len);
	}
}

/* hdrcanon_relaxed called directly with a name and a raw value. */
static void
test_hdrcanon_relaxed_direct(void **state)
{
	(void)state;
	uint8_t out[64];
	struct span_buf b;
	span_buf_init(&b, out, sizeof(out));
	struct byte_sink sink = span_buf_sink(&b);
	hdrcanon_relaxed(
	    &sink, S("DKIM-Signature"), S(" v=1;\r\n\tb=ab \r\n cd"));
	assert_span_equal(
	    span_make(out, b.len), "dkim-signature:v=1; b=ab cd", 27);

	/* An empty name and value give just the colon. */
	span_buf_init(&b, out, sizeof(out));
	hdrcanon_relaxed(&sink, S(""), S(""));
	assert_span_equal(span_make(out, b.len), ":", 1);
}

/* Long fields cross the internal output buffer and the result is still
 * exact. */
static void
test_hdrcanon_long_field(void **state)
{
	(void)state;
	enum { WORDS = 3000 };
	/* "X-Long:" then WORDS times "  Ab\r\n\t" and a final "z". */
	size_t in_cap = 8 + WORDS * 7 + 8;
	uint8_t *in = malloc(in_cap);
	assert_non_null(in);
	size_t n = 0;
	memcpy(in, "X-Long:", 7);
	n = 7;
	for (size_t i = 0; i < WORDS; i++) {
		memcpy(in + n, "  Ab\r\n\t", 7);
		n += 7;
	}
	in[n++] = 'z';
	memcpy(in + n, "\r\n\r\n", 4);
	n += 4;

	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	assert_int_equal(msg_parse(&m, &a, in, n), MSG_OK);
	assert_int_equal(m.num_fields, 1);

	size_t out_cap = 2 * n;
	uint8_t *out = malloc(out_cap);
	uint8_t *want = malloc(out_cap);
	assert_non_null(out);
	assert_non_null(want);

	/* Relaxed: "x-long:" then "Ab" words joined by one SP, then " z". */
	size_t w = 0;
	memcpy(want, "x-long:", 7);
	w = 7;
	for (size_t i = 0; i < WORDS; i++) {
		if (i > 0) {
			want[w++] = ' ';
		}
		memcpy(want + w, "Ab", 2);
		w += 2;
	}
	memcpy(want + w, " z", 2);
	w += 2;

	struct span_buf b;
	span_buf_init(&b, out, out_cap);
	canon_into(&b, CANON_RELAXED, &m.fields[0]);
	assert_span_equal(span_make(out, b.len), want, w);

	/* Simple: the field as stored (it is already CRLF). */
	span_buf_init(&b, out, out_cap);
	canon_into(&b, CANON_SIMPLE, &m.fields[0]);
	assert_span_equal(span_make(out, b.len), in, n - 4);

	/* A long name is lowercased across the buffer boundary too. */
	size_t name_len = 3000;
	uint8_t *name = malloc(name_len);
	assert_non_null(name);
	memset(name, 'Q', name_len);
	span_buf_init(&b, out, out_cap);
	struct byte_sink sink = span_buf_sink(&b);
	hdrcanon_relaxed(&sink, span_make(name, name_len), S(" v "));
	assert_false(b.overflow);
	assert_int_equal(b.len, name_len + 2);
	for (size_t i = 0; i < name_len; i++) {
		assert_int_equal(out[i], 'q');
	}
	assert_int_equal(out[name_len], ':');
	assert_int_equal(out[name_len + 1], 'v');

	free(name);
	free(in);
	free(out);
	free(want);
	arena_cleanup(&a);
}

/* Empty spans with a NULL pointer (span_empty(), allowed by span.h) write
 * nothing or just the colon, without pointer arithmetic on NULL (clang
 * UBSan: "applying zero offset to null pointer").  Kept last: under clang
 * UBSan a failure aborts. */
static void
test_hdrcanon_null_empty_spans(void **state)
{
	(void)state;
	uint8_t out[8];
	struct span_buf b;
	span_buf_init(&b, out, sizeof(out));
	struct byte_sink sink = span_buf_sink(&b);
	hdrcanon_simple(&sink, span_empty());
	assert_int_equal(b.len, 0);
	hdrcanon_relaxed(&sink, span_empty(), span_empty());
	assert_span_equal(span_make(out, b.len), ":", 1);
}

/* The block-scan relaxed canonicalizer against the byte-level reference,
 * at every level the CPU has: values built so that every special byte
 * (SP, HTAB, CR, LF, in runs of one to three) lands at every offset of a
 * 64-byte block, and values of every length up to 200 ending in SP. */
static void
test_hdrcanon_relaxed_levels(void **state)
{
	(void)state;
	static const char *const gaps[] = { " ", "  ", "\t", " \t", "\r\n ",
		"\r\n\t", "\n ", "\r", " \r ", "\r\r\n ", " \r\n" };
	enum { CAP = 512 };
	uint8_t v[CAP], want[CAP + 8], got[CAP + 8];
	enum blockscan_level best = blockscan_level();
	size_t checked = 0;
	for (size_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		size_t gl = strlen(gaps[g]);
		for (size_t at = 0; at < 200; at++) {
			for (int tail = 0; tail < 2; tail++) {
				/* "xxx...<gap>yyy" with the gap at |at|, and
				 * (tail) the gap again at the very end. */
				size_t n = 0;
				for (size_t i = 0; i < at; i++) {
					v[n++] = (uint8_t)('a' + i % 26);
				}
				memcpy(v + n, gaps[g], gl);
				n += gl;
				for (size_t i = 0; i < 70; i++) {
					v[n++] = 'Z';
				}
				if (tail) {
					memcpy(v + n, gaps[g], gl);
					n += gl;
				}
				struct span_buf rb, fb;
				span_buf_init(&rb, want, sizeof(want));
				struct byte_sink rs = span_buf_sink(&rb);
				hdrcanon_relaxed_ref(
				    &rs, S("To"), span_make(v, n));
				for (int l = BLOCKSCAN_PORTABLE;
				     l <= BLOCKSCAN_AVX512; l++) {
					if (!blockscan_use(
					        (enum blockscan_level)l)) {
						continue;
					}
					span_buf_init(&fb, got, sizeof(got));
					struct byte_sink fs =
					    span_buf_sink(&fb);
					hdrcanon_relaxed(
					    &fs, S("To"), span_make(v, n));
					assert_span_equal(
					    span_make(got, fb.len), want,
					    rb.len);
					checked++;
				}
			}
		}
	}
	blockscan_use(best);
	assert_true(checked >= 11 * 200 * 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdrcanon_cases),
		cmocka_unit_test(test_hdrcanon_simple_raw_cases),
		cmocka_unit_test(test_hdrcanon_relaxed_direct),
		cmocka_unit_test(test_hdrcanon_long_field),
		cmocka_unit_test(test_hdrcanon_relaxed_levels),
		cmocka_unit_test(test_hdrcanon_null_empty_spans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
