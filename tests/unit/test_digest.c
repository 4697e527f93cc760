/*
 * test_digest.c - streaming SHA-256 and SHA-1 (crypto/digest.h).
 *
 * Known-answer vectors (FIPS 180 examples and the two DKIM empty-body
 * hashes), streaming in pieces against one-shot hashing, reuse of one
 * context, and the digest sink fed by the body canonicalizer.
 */
#include "tests/harness.h"

#include <stdlib.h>

#include "canon/bodycanon.h"
#include "canon/limits.h"
#include "crypto/b64.h"
#include "crypto/digest.h"

/* The two body hashes every DKIM verifier meets: SHA-256 of nothing (the
 * relaxed empty body) and of one CRLF (the simple empty body). */
#define SHA256_EMPTY_B64 "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define SHA256_CRLF_B64 "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY="

/* hash_one hashes |in| with |alg| in one update. */
static size_t
hash_one(struct digest *d, enum digest_alg alg, struct span in, uint8_t *out)
{
	size_t n = 0;
	digest_begin(d, alg);
	digest_update(d, in.p, in.len);
	assert_true(digest_finish(d, out, &n));
	assert_int_equal(n, digest_len(alg));
	return n;
}

static void
assert_b64_equal(const uint8_t *hash, size_t len, const char *want)
{
	char enc[64];
	assert_true(b64_encoded_len(len) < sizeof(enc));
	size_t n = b64_encode(enc, hash, len);
	enc[n] = '\0';
	assert_string_equal(enc, want);
}

static void
test_digest_len(void **state)
{
	(void)state;
	assert_int_equal(digest_len(DIGEST_SHA1), 20);
	assert_int_equal(digest_len(DIGEST_SHA256), 32);
}

/* SHA-256 of "" and of CRLF, checked through base64 as DKIM writes bh=. */
static void
test_digest_dkim_empty_body_hashes(void **state)
{
	(void)state;
	struct digest d;
	assert_true(digest_init(&d));
	uint8_t out[DIGEST_MAX_BYTES];
	size_t n = hash_one(&d, DIGEST_SHA256, S(""), out);
	assert_b64_equal(out, n, SHA256_EMPTY_B64);
	n = hash_one(&d, DIGEST_SHA256, S("\r\n"), out);
	assert_b64_equal(out, n, SHA256_CRLF_B64);

	/* No update at all is the same as an empty update. */
	digest_begin(&d, DIGEST_SHA256);
	assert_true(digest_finish(&d, out, &n));
	assert_b64_equal(out, n, SHA256_EMPTY_B64);
	digest_cleanup(&d);
}

struct kat {
	const char *name;
	enum digest_alg alg;
	struct span in;
	const char *hex;
};

static void
test_digest_known_answers(void **state)
{
	(void)state;
	const struct kat cases[] = {
		{ "SHA-1 abc", DIGEST_SHA1, S("abc"),
		    "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "SHA-256 abc", DIGEST_SHA256, S("abc"),
		    "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "SHA-1 empty", DIGEST_SHA1, S(""),
		    "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "SHA-256 empty", DIGEST_SHA256, S(""),
		    "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "SHA-1 two blocks", DIGEST_SHA1,
		    S("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnop"
		      "q"),
		    "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "SHA-256 two blocks", DIGEST_SHA256,
		    S("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnop"
		      "q"),
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
	};
	struct digest d;
	assert_true(digest_init(&d));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct kat *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		uint8_t want[DIGEST_MAX_BYTES];
		size_t want_len =
		    harness_hex_decode(want, sizeof(want), tc->hex);
		uint8_t out[DIGEST_MAX_BYTES];
		size_t n = hash_one(&d, tc->alg, tc->in, out);
		assert_span_equal(span_make(out, n), want, want_len);
	}
	digest_cleanup(&d);
}

/* Hashing in pieces, cut anywhere, equals hashing in one piece. */
static void
test_digest_streaming_equals_one_shot(void **state)
{
	(void)state;
	uint8_t msg[300];
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 31 + 7);
	}
	struct digest d;
	assert_true(digest_init(&d));
	for (int a = DIGEST_SHA1; a <= DIGEST_SHA256; a++) {
		enum digest_alg alg = (enum digest_alg)a;
		uint8_t whole[DIGEST_MAX_BYTES];
		size_t wn =
		    hash_one(&d, alg, span_make(msg, sizeof(msg)), whole);
		for (size_t cut = 0; cut <= sizeof(msg); cut++) {
			uint8_t out[DIGEST_MAX_BYTES];
			size_t n = 0;
			digest_begin(&d, alg);
			digest_update(&d, msg, cut);
			digest_update(&d, msg + cut, sizeof(msg) - cut);
			assert_true(digest_finish(&d, out, &n));
			assert_span_equal(span_make(out, n), whole, wn);
		}
		/* Byte by byte, with empty updates in between. */
		uint8_t out[DIGEST_MAX_BYTES];
		size_t n = 0;
		digest_begin(&d, alg);
		for (size_t i = 0; i < sizeof(msg); i++) {
			digest_update(&d, msg + i, 1);
			digest_update(&d, msg, 0);
		}
		assert_true(digest_finish(&d, out, &n));
		assert_span_equal(span_make(out, n), whole, wn);
	}

	/* One million "a" in uneven pieces (FIPS 180-2 example). */
	uint8_t *a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	digest_begin(&d, DIGEST_SHA256);
	size_t off = 0;
	for (size_t k = 1; off < 1000000; k = k * 3 % 9973 + 1) {
		size_t take = k < 1000000 - off ? k : 1000000 - off;
		digest_update(&d, a + off, take);
		off += take;
	}
	uint8_t out[DIGEST_MAX_BYTES];
	uint8_t want[DIGEST_MAX_BYTES];
	size_t n = 0;
	assert_true(digest_finish(&d, out, &n));
	size_t want_len = harness_hex_decode(want, sizeof(want),
	    "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	assert_span_equal(span_make(out, n), want, want_len);
	free(a);
	digest_cleanup(&d);
}

/* digest_begin discards any earlier state, including a hash abandoned
 * half-way and a hash of the other algorithm. */
static void
test_digest_context_reuse_after_begin(void **state)
{
	(void)state;
	struct digest d;
	assert_true(digest_init(&d));
	uint8_t ref1[DIGEST_MAX_BYTES], ref256[DIGEST_MAX_BYTES];
	uint8_t out[DIGEST_MAX_BYTES];
	size_t n1 = hash_one(&d, DIGEST_SHA1, S("abc"), ref1);
	size_t n256 = hash_one(&d, DIGEST_SHA256, S("abc"), ref256);
	assert_int_equal(n1, 20);
	assert_int_equal(n256, 32);

	for (int round = 0; round < 3; round++) {
		/* Abandon a hash half-way, then start over. */
		digest_begin(&d, DIGEST_SHA256);
		digest_update(&d, "garbage", 7);
		size_t n = hash_one(&d, DIGEST_SHA256, S("abc"), out);
		assert_span_equal(span_make(out, n), ref256, n256);

		digest_begin(&d, DIGEST_SHA256);
		digest_update(&d, "garbage", 7);
		n = hash_one(&d, DIGEST_SHA1, S("abc"), out);
		assert_span_equal(span_make(out, n), ref1, n1);
		assert_int_equal(d.alg, DIGEST_SHA1);
	}

	/* Two contexts do not share state. */
	struct digest e;
	assert_true(digest_init(&e));
	digest_begin(&d, DIGEST_SHA256);
	digest_begin(&e, DIGEST_SHA256);
	digest_update(&d, "ab", 2);
	digest_update(&e, "xyz", 3);
	digest_update(&d, "c", 1);
	size_t n = 0;
	assert_true(digest_finish(&d, out, &n));
	assert_span_equal(span_make(out, n), ref256, n256);
	digest_cleanup(&e);
	digest_cleanup(&d);
}

/* A digest whose context is gone fails cleanly and keeps failing. */
static void
test_digest_without_context_fails(void **state)
{
	(void)state;
	struct digest d;
	assert_true(digest_init(&d));
	digest_cleanup(&d);
	digest_cleanup(&d); /* twice is harmless */
	digest_begin(&d, DIGEST_SHA256);
	assert_true(d.failed);
	digest_update(&d, "abc", 3);
	uint8_t out[DIGEST_MAX_BYTES];
	size_t n = 12345;
	assert_false(digest_finish(&d, out, &n));
	assert_int_equal(n, 12345);
}

struct sink_case {
	const char *name;
	enum canon_mode mode;
	struct span body;
	const char *want_b64;
};

/* The digest sink hashes exactly what the body canonicalizer writes. */
static void
test_digest_sink_with_bodycanon(void **state)
{
	(void)state;
	const struct sink_case cases[] = {
		{ "relaxed empty body", CANON_RELAXED, S(""),
		    SHA256_EMPTY_B64 },
		{ "simple empty body", CANON_SIMPLE, S(""), SHA256_CRLF_B64 },
		{ "relaxed only empty lines", CANON_RELAXED, S("\r\n\r\n"),
		    SHA256_EMPTY_B64 },
		{ "relaxed only WSP lines", CANON_RELAXED, S(" \r\n\t\n"),
		    SHA256_EMPTY_B64 },
		{ "simple only empty lines", CANON_SIMPLE, S("\n\n\n"),
		    SHA256_CRLF_B64 },
		{ "simple one CRLF", CANON_SIMPLE, S("\r\n"), SHA256_CRLF_B64 },
	};
	struct digest d;
	assert_true(digest_init(&d));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct sink_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		digest_begin(&d, DIGEST_SHA256);
		(void)bodycanon_span(tc->mode, digest_sink(&d), tc->body);
		uint8_t out[DIGEST_MAX_BYTES];
		size_t n = 0;
		assert_true(digest_finish(&d, out, &n));
		assert_b64_equal(out, n, tc->want_b64);
	}

	/* A non-trivial body: the sink's hash equals hashing the canonical
	 * bytes directly. */
	digest_begin(&d, DIGEST_SHA256);
	(void)bodycanon_span(
	    CANON_RELAXED, digest_sink(&d), S("Hi  there \t\n\nbye\n\n\n"));
	uint8_t got[DIGEST_MAX_BYTES], want[DIGEST_MAX_BYTES];
	size_t gn = 0;
	assert_true(digest_finish(&d, got, &gn));
	size_t wn =
	    hash_one(&d, DIGEST_SHA256, S("Hi there\r\n\r\nbye\r\n"), want);
	assert_span_equal(span_make(got, gn), want, wn);
	digest_cleanup(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_len),
		cmocka_unit_test(test_digest_dkim_empty_body_hashes),
		cmocka_unit_test(test_digest_known_answers),
		cmocka_unit_test(test_digest_streaming_equals_one_shot),
		cmocka_unit_test(test_digest_context_reuse_after_begin),
		cmocka_unit_test(test_digest_without_context_fails),
		cmocka_unit_test(test_digest_sink_with_bodycanon),
	};
	return cmocka_run_group_tests(
	    tests, harness_crypto_setup, harness_crypto_teardown);
}
