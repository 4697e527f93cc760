/*
 * test_b64.c - base64 with folding white space (RFC 4648 §4, RFC 6376
 * §2.4; crypto/b64.h).
 *
 * Decoding is checked against the RFC 4648 §10 vectors, with FWS inserted
 * anywhere, and against every kind of malformed input; output is written
 * into a heap buffer of exactly the stated capacity so that any write past
 * it is caught (by the guard bytes here and by ASan in sanitizer builds).
 */
#include "tests/harness.h"

#include <stdlib.h>

#include "crypto/b64.h"

struct vec {
	struct span raw;
	struct span enc;
};

/* RFC 4648 §10. */
static const struct vec rfc4648[] = {
	{ { (const uint8_t *)"", 0 }, { (const uint8_t *)"", 0 } },
	{ { (const uint8_t *)"f", 1 }, { (const uint8_t *)"Zg==", 4 } },
	{ { (const uint8_t *)"fo", 2 }, { (const uint8_t *)"Zm8=", 4 } },
	{ { (const uint8_t *)"foo", 3 }, { (const uint8_t *)"Zm9v", 4 } },
	{ { (const uint8_t *)"foob", 4 }, { (const uint8_t *)"Zm9vYg==", 8 } },
	{ { (const uint8_t *)"fooba", 5 }, { (const uint8_t *)"Zm9vYmE=", 8 } },
	{ { (const uint8_t *)"foobar", 6 },
	    { (const uint8_t *)"Zm9vYmFy", 8 } },
};

enum { GUARD = 8 };

/* decode_exact decodes |in| into a heap buffer of exactly |cap| bytes plus
 * guard bytes, checks the guard, and copies the result to |out|. */
static bool
decode_exact(struct span in, size_t cap, uint8_t *out, size_t *out_len)
{
	uint8_t *buf = malloc(cap + GUARD);
	assert_non_null(buf);
	memset(buf, 0xa5, cap + GUARD);
	size_t n = 0xdead;
	bool ok = b64_decode(buf, cap, &n, in);
	for (size_t i = cap; i < cap + GUARD; i++) {
		assert_int_equal(buf[i], 0xa5);
	}
	if (ok) {
		assert_true(n <= cap);
		memcpy(out, buf, n);
		*out_len = n;
	}
	free(buf);
	return ok;
}

static void
test_b64_rfc4648_vectors_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rfc4648); i++) {
		const struct vec *v = &rfc4648[i];
		uint8_t out[16];
		size_t n = 0;
		assert_true(decode_exact(v->enc, v->raw.len, out, &n));
		assert_span_equal(span_make(out, n), v->raw.p, v->raw.len);
	}
}

static void
test_b64_rfc4648_vectors_encode(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rfc4648); i++) {
		const struct vec *v = &rfc4648[i];
		assert_int_equal(b64_encoded_len(v->raw.len), v->enc.len);
		char out[16 + GUARD];
		memset(out, '#', sizeof(out));
		size_t n = b64_encode(out, v->raw.p, v->raw.len);
		assert_int_equal(n, v->enc.len);
		assert_span_equal(span_make(out, n), v->enc.p, v->enc.len);
		/* No NUL or anything else is written after the encoding. */
		assert_int_equal(out[n], '#');
	}
	assert_int_equal(b64_encoded_len(7), 12);
	assert_int_equal(b64_encoded_len(256), 344);
}

struct dec_case {
	const char *name;
	struct span in;
	size_t cap;
	bool ok;
	struct span want;
};

static void
test_b64_decode_cases(void **state)
{
	(void)state;
	const struct dec_case cases[] = {
		/* FWS anywhere is skipped. */
		{ "SP between quanta", S("Zm9v YmFy"), 16, true, S("foobar") },
		{ "FWS everywhere", S(" \tZ\r\nm 9\tv\nY m\r F y \r\n"), 16,
		    true, S("foobar") },
		{ "folded like a DKIM b= tag", S("Zm9v\r\n\tYmE="), 16, true,
		    S("fooba") },
		{ "FWS before padding", S("Zm8 ="), 16, true, S("fo") },
		{ "FWS between padding", S("Zg=\r\n ="), 16, true, S("f") },
		{ "FWS after padding", S("Zg== \r\n"), 16, true, S("f") },
		{ "only FWS", S(" \r\n\t"), 16, true, S("") },
		{ "empty", S(""), 0, true, S("") },
		{ "plus and slash", S("+/+/"), 16, true, S("\xfb\xff\xbf") },
		{ "all zero bits", S("AAAA"), 16, true, S("\0\0\0") },
		{ "all one bits", S("////"), 16, true, S("\xff\xff\xff") },
		/* Bad characters. */
		{ "NUL", S("Zm9v\0"), 16, false, S("") },
		{ "NUL inside a quantum", S("Zm\0009v"), 16, false, S("") },
		{ "NUL in padding", S("Zg=\0="), 16, false, S("") },
		{ "URL-safe minus", S("Zm9-"), 16, false, S("") },
		{ "URL-safe underscore", S("Zm9_"), 16, false, S("") },
		{ "dot", S("Zm9."), 16, false, S("") },
		{ "8-bit byte", S("Zm9\xc3"), 16, false, S("") },
		{ "vertical tab is not FWS", S("Zm9v\v"), 16, false, S("") },
		{ "form feed is not FWS", S("Zm9v\f"), 16, false, S("") },
		/* Padding in the wrong place or the wrong amount. */
		{ "padding in the middle", S("Zm=v"), 16, false, S("") },
		{ "padding in the middle, later quantum", S("Zm9vY=mE"), 16,
		    false, S("") },
		{ "one data char then padding", S("x==="), 16, false, S("") },
		{ "incomplete padding", S("xx="), 16, false, S("") },
		{ "incomplete padding after a full quantum", S("Zm9vYg="), 16,
		    false, S("") },
		{ "unpadded two chars", S("xx"), 16, false, S("") },
		{ "unpadded three chars", S("Zm8"), 16, false, S("") },
		{ "single char", S("Z"), 16, false, S("") },
		{ "too much padding after two", S("Zg==="), 16, false, S("") },
		{ "too much padding after three", S("Zm8=="), 16, false,
		    S("") },
		{ "padding after a full quantum", S("Zm9v="), 16, false,
		    S("") },
		{ "padding after a full quantum, two", S("Zm9v=="), 16, false,
		    S("") },
		{ "padding alone", S("=="), 16, false, S("") },
		{ "one pad", S("="), 16, false, S("") },
		{ "four pads", S("===="), 16, false, S("") },
		{ "data after padding", S("Zg==Zg=="), 16, false, S("") },
		{ "one char after padding", S("Zg==x"), 16, false, S("") },
		{ "char after padding with FWS", S("Zm8= Z"), 16, false,
		    S("") },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct dec_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		uint8_t out[64];
		size_t n = 0;
		bool ok = decode_exact(tc->in, tc->cap, out, &n);
		assert_int_equal(ok, tc->ok);
		if (ok) {
			assert_span_equal(
			    span_make(out, n), tc->want.p, tc->want.len);
		}
	}
}

/* The output capacity is checked exactly: the decoded length fits, one
 * byte less does not, and nothing is written past the capacity. */
static void
test_b64_decode_capacity_boundaries(void **state)
{
	(void)state;
	const struct span inputs[] = {
		S("Zg=="),
		S("Zm8="),
		S("Zm9v"),
		S("Zm9vYg=="),
		S("Zm9vYmE="),
		S("Zm9vYmFy"),
		S("Zm9v YmFy\r\n Zm9v"),
		S("Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy"),
	};
	for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
		uint8_t out[64];
		size_t want = 0;
		/* The exact size, from a roomy decode. */
		assert_true(decode_exact(inputs[i], sizeof(out), out, &want));
		assert_true(want > 0);
		size_t n = 0;
		assert_true(decode_exact(inputs[i], want, out, &n));
		assert_int_equal(n, want);
		for (size_t cap = 0; cap < want; cap++) {
			print_message("input %zu cap %zu\n", i, cap);
			assert_false(decode_exact(inputs[i], cap, out, &n));
		}
	}
}

/* Every byte value and every length 0..66 survives encode then decode. */
static void
test_b64_round_trip(void **state)
{
	(void)state;
	uint8_t raw[256];
	for (size_t i = 0; i < sizeof(raw); i++) {
		raw[i] = (uint8_t)(255 - i);
	}
	char enc[400];
	uint8_t dec[256];
	size_t n = 0;
	size_t elen = b64_encode(enc, raw, sizeof(raw));
	assert_int_equal(elen, b64_encoded_len(sizeof(raw)));
	assert_true(decode_exact(span_make(enc, elen), sizeof(raw), dec, &n));
	assert_span_equal(span_make(dec, n), raw, sizeof(raw));

	for (size_t len = 0; len <= 66; len++) {
		elen = b64_encode(enc, raw + 7, len);
		assert_int_equal(elen, b64_encoded_len(len));
		assert_int_equal(elen % 4, 0);
		assert_true(decode_exact(span_make(enc, elen), len, dec, &n));
		assert_span_equal(span_make(dec, n), raw + 7, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_rfc4648_vectors_decode),
		cmocka_unit_test(test_b64_rfc4648_vectors_encode),
		cmocka_unit_test(test_b64_decode_cases),
		cmocka_unit_test(test_b64_decode_capacity_boundaries),
		cmocka_unit_test(test_b64_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
