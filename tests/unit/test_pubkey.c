/*
 * test_pubkey.c - public key decoding and signature checks
 * (crypto/pubkey.h), with signing from crypto/sign.h.
 *
 * The key strings are the p= values of published test keys, embedded here
 * because CI has only this repository:
 *  - dkimpy's test key (dkim/tests/data/test.txt, test.private; RSA-1024,
 *    also the RFC 8463 "test._domainkey.football.example.com" key),
 *  - dkimpy's 1024_testkey as bare PKCS#1 RSAPublicKey and as SPKI,
 *  - Gmail's 20120113 key (2048 bits, from MimeKit's test data),
 *  - the RFC 8463 "brisbane" Ed25519 key, which is the public key of
 *    RFC 8032 §7.1 TEST 1.
 */
#include "tests/harness.h"

#include <stdlib.h>

#include "canon/limits.h"
#include "crypto/b64.h"
#include "crypto/digest.h"
#include "crypto/pubkey.h"
#include "crypto/sign.h"

#define KEY_TEST_SPKI                                                          \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08" \
	"a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR" \
	"+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l" \
	"/K4w3QIDAQAB"

/* dkimpy test_bad.txt: the same key with its last quantum corrupted. */
#define KEY_TEST_BAD                                                           \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08" \
	"a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR" \
	"+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l" \
	"/K4w3QIDAQA="

#define KEY_1024_PKCS1                                                         \
	"MIGJAoGBALppqRbOu5gApf05051Icx6apV0ZC6s1gsLUfs79PYtAgdVuQoXooqOWAUzu" \
	"WvyyR9kyEl78pEYy9WMJXllqRkgZ4/ceLWpcIS+aNLgSWkw8w/I+tmKC33mKmrLA9hkl" \
	"YdtGInTzlV2RIK0tS+jmzKkDSdMl7KcSi4A37/AFoI7pAgMBAAE="

#define KEY_1024_SPKI                                                          \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC6aakWzruYAKX9OdOdSHMemqVdGQur" \
	"NYLC1H7O/T2LQIHVbkKF6KKjlgFM7lr8skfZMhJe/KRGMvVjCV5ZakZIGeP3Hi1qXCEv" \
	"mjS4ElpMPMPyPrZigt95ipqywPYZJWHbRiJ085VdkSCtLUvo5sypA0nTJeynEouAN+/w" \
	"BaCO6QIDAQAB"

#define KEY_GMAIL_SPKI                                                         \
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1Kd87/UeJjenpabgbFwh+eBC" \
	"sSTrqmwIYYvywlbhbqoo2DymndFkbjOVIPIldNs/m40KF+yzMn1skyoxcTUGCQs8g3Fg" \
	"D2Ap3ZB5DekAo5wMmk4wimDO+U8QzI3SD07y2+07wlNWwIt8svnxgdxGkVbbhzY8i+RQ" \
	"9DpSVpPbF7ykQxtKXkv/ahW3KjViiAH+ghvvIhkx4xYSIc9oSwVmAl5OctMEeWUwg8Is" \
	"tjqz8BZeTWbf41fbNhte7Y+YqZOwq1Sd0DbvYAD9NOZK9vlfuac0598HY+vtSBczUiKE" \
	"RHv1yRbcaQtZFh5wtiRrN04BLUTD21MycBX5jYchHjPY/wIDAQAB"

#define KEY_BRISBANE_ED25519 "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

/* A P-256 EC SubjectPublicKeyInfo: a valid key of another algorithm. */
#define KEY_EC_P256_SPKI                                                       \
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbeCM5sJ+l6aFUClbNxHnDGAgPRpnkQz4" \
	"7EIxsU0lf/38p60XGJAD1KQz/KwFotahR3YCNNSA5Ng/3wi+thzpog=="

/* dkimpy test.private, the private half of KEY_TEST_SPKI. */
static const char test_private_pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";

/* RFC 8032 §7.1 TEST 1. */
#define RFC8032_T1_SECRET                                                      \
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define RFC8032_T1_PUBLIC                                                      \
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC8032_T1_SIG                                                         \
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8" \
	"821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

/* The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4), before
 * the 32 key bytes, and of a PKCS#8 Ed25519 private key before the seed. */
static const uint8_t ed25519_spki_prefix[] = { 0x30, 0x2a, 0x30, 0x05, 0x06,
	0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
static const uint8_t ed25519_pkcs8_prefix[] = { 0x30, 0x2e, 0x02, 0x01, 0x00,
	0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };

enum { KEYBUF = 1024 };

/* b64 decodes the program constant |s| into |out|. */
static size_t
b64(uint8_t *out, size_t cap, const char *s)
{
	size_t n = 0;
	assert_true(b64_decode(out, cap, &n, span_make(s, strlen(s))));
	return n;
}

struct decode_case {
	const char *name;
	enum pubkey_type type;
	const char *b64;
	/* Edits applied to the decoded bytes before pubkey_decode. */
	size_t cut;    /* drop this many bytes from the end */
	size_t append; /* then append this many 0x00 bytes */
	bool as_spki;  /* wrap the decoded bytes as an Ed25519 SPKI */
	enum pubkey_status want;
	unsigned want_bits;
};

static void
test_pubkey_decode_cases(void **state)
{
	(void)state;
	const struct decode_case cases[] = {
		/* Accepted keys. */
		{ "RSA-1024 SubjectPublicKeyInfo", PUBKEY_RSA, KEY_TEST_SPKI, 0,
		    0, false, PUBKEY_OK, 1024 },
		{ "RSA-1024 bare PKCS#1 RSAPublicKey", PUBKEY_RSA,
		    KEY_1024_PKCS1, 0, 0, false, PUBKEY_OK, 1024 },
		{ "RSA-1024 SPKI of the same key", PUBKEY_RSA, KEY_1024_SPKI, 0,
		    0, false, PUBKEY_OK, 1024 },
		{ "RSA-2048 Gmail key", PUBKEY_RSA, KEY_GMAIL_SPKI, 0, 0, false,
		    PUBKEY_OK, 2048 },
		{ "Ed25519 raw 32 bytes", PUBKEY_ED25519, KEY_BRISBANE_ED25519,
		    0, 0, false, PUBKEY_OK, 256 },
		/* Wrong size or wrong algorithm. */
		{ "Ed25519 SPKI given as ed25519", PUBKEY_ED25519,
		    KEY_BRISBANE_ED25519, 0, 0, true, PUBKEY_ERR_SIZE, 0 },
		{ "Ed25519 SPKI given as RSA", PUBKEY_RSA, KEY_BRISBANE_ED25519,
		    0, 0, true, PUBKEY_ERR_WRONG_TYPE, 0 },
		{ "EC P-256 SPKI given as RSA", PUBKEY_RSA, KEY_EC_P256_SPKI, 0,
		    0, false, PUBKEY_ERR_WRONG_TYPE, 0 },
		{ "RSA SPKI given as ed25519", PUBKEY_ED25519, KEY_TEST_SPKI, 0,
		    0, false, PUBKEY_ERR_SIZE, 0 },
		{ "Ed25519 raw 31 bytes", PUBKEY_ED25519, KEY_BRISBANE_ED25519,
		    1, 0, false, PUBKEY_ERR_SIZE, 0 },
		{ "Ed25519 raw 33 bytes", PUBKEY_ED25519, KEY_BRISBANE_ED25519,
		    0, 1, false, PUBKEY_ERR_SIZE, 0 },
		{ "raw Ed25519 key given as RSA", PUBKEY_RSA,
		    KEY_BRISBANE_ED25519, 0, 0, false, PUBKEY_ERR_DECODE, 0 },
		/* Broken DER. */
		{ "SPKI truncated by one byte", PUBKEY_RSA, KEY_TEST_SPKI, 1, 0,
		    false, PUBKEY_ERR_DECODE, 0 },
		{ "SPKI truncated to half", PUBKEY_RSA, KEY_TEST_SPKI, 81, 0,
		    false, PUBKEY_ERR_DECODE, 0 },
		{ "SPKI with one trailing byte", PUBKEY_RSA, KEY_TEST_SPKI, 0,
		    1, false, PUBKEY_ERR_DECODE, 0 },
		{ "SPKI with trailing garbage", PUBKEY_RSA, KEY_TEST_SPKI, 0, 7,
		    false, PUBKEY_ERR_DECODE, 0 },
		{ "PKCS#1 truncated by one byte", PUBKEY_RSA, KEY_1024_PKCS1, 1,
		    0, false, PUBKEY_ERR_DECODE, 0 },
		{ "PKCS#1 with trailing garbage", PUBKEY_RSA, KEY_1024_PKCS1, 0,
		    3, false, PUBKEY_ERR_DECODE, 0 },
		{ "dkimpy test_bad key", PUBKEY_RSA, KEY_TEST_BAD, 0, 0, false,
		    PUBKEY_ERR_DECODE, 0 },
		{ "Ed25519 SPKI with trailing byte given as RSA", PUBKEY_RSA,
		    KEY_BRISBANE_ED25519, 0, 1, true, PUBKEY_ERR_DECODE, 0 },
		{ "not DER at all", PUBKEY_RSA, "aGVsbG8gd29ybGQ=", 0, 0, false,
		    PUBKEY_ERR_DECODE, 0 },
		{ "empty RSA key", PUBKEY_RSA, "", 0, 0, false,
		    PUBKEY_ERR_DECODE, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct decode_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		uint8_t raw[KEYBUF];
		size_t n = b64(raw, sizeof(raw), tc->b64);
		uint8_t der[KEYBUF];
		size_t dn = 0;
		if (tc->as_spki) {
			memcpy(der, ed25519_spki_prefix,
			    sizeof(ed25519_spki_prefix));
			dn = sizeof(ed25519_spki_prefix);
		}
		assert_true(tc->cut <= n);
		memcpy(der + dn, raw, n - tc->cut);
		dn += n - tc->cut;
		memset(der + dn, 0, tc->append);
		dn += tc->append;

		/* An exact-size heap copy lets ASan catch overreads. */
		uint8_t *exact = malloc(dn + 1);
		assert_non_null(exact);
		memcpy(exact, der, dn);
		struct pubkey *k = NULL;
		enum pubkey_status st =
		    pubkey_decode(&k, tc->type, span_make(exact, dn));
		assert_string_equal(
		    pubkey_status_str(st), pubkey_status_str(tc->want));
		if (st == PUBKEY_OK) {
			assert_non_null(k);
			assert_int_equal(pubkey_get_type(k), tc->type);
			assert_int_equal(pubkey_bits(k), tc->want_bits);
		}
		pubkey_free(k);
		free(exact);
	}
}

/* An empty p= is a revoked key and never a usable one, whatever k= says. */
static void
test_pubkey_decode_empty_is_rejected(void **state)
{
	(void)state;
	struct pubkey *k = NULL;
	uint8_t dummy = 0;
	assert_int_not_equal(
	    pubkey_decode(&k, PUBKEY_RSA, span_make(&dummy, 0)), PUBKEY_OK);
	assert_int_not_equal(
	    pubkey_decode(&k, PUBKEY_ED25519, span_make(&dummy, 0)), PUBKEY_OK);
	assert_null(k);
	pubkey_free(NULL);
	for (int st = PUBKEY_OK; st <= PUBKEY_ERR_NOMEM; st++) {
		assert_string_not_equal(
		    pubkey_status_str((enum pubkey_status)st), "unknown");
	}
}

/* dkimpy's test.private is the private half of test.txt's p=: its public
 * half re-encodes to exactly those bytes, and its signatures verify against
 * the decoded p= and against no other key. */
static void
test_pubkey_test_private_matches_test_key(void **state)
{
	(void)state;
	struct privkey *priv = NULL;
	assert_true(privkey_from_pem(&priv, S(test_private_pem)));
	assert_int_equal(privkey_get_type(priv), PUBKEY_RSA);
	assert_int_equal(privkey_bits(priv), 1024);

	/* The public half of test.private is exactly test.txt's p=. */
	uint8_t der[KEYBUF], want[KEYBUF];
	size_t dn = 0;
	assert_true(privkey_public_der(priv, der, sizeof(der), &dn));
	size_t wn = b64(want, sizeof(want), KEY_TEST_SPKI);
	assert_span_equal(span_make(der, dn), want, wn);

	/* A signature by test.private verifies against the decoded p=. */
	struct digest d;
	assert_true(digest_init(&d));
	digest_begin(&d, DIGEST_SHA256);
	digest_update(&d, "hello", 5);
	uint8_t h[DIGEST_MAX_BYTES];
	size_t hn = 0;
	assert_true(digest_finish(&d, h, &hn));
	uint8_t sig[SIG_MAX_BYTES];
	size_t sn = 0;
	assert_true(privkey_sign_rsa(
	    priv, DIGEST_SHA256, span_make(h, hn), sig, sizeof(sig), &sn));
	assert_int_equal(sn, 128);
	struct pubkey *pub = NULL;
	assert_int_equal(
	    pubkey_decode(&pub, PUBKEY_RSA, span_make(want, wn)), PUBKEY_OK);
	assert_true(pubkey_verify_rsa(
	    pub, DIGEST_SHA256, span_make(h, hn), span_make(sig, sn)));
	/* PKCS#1 v1.5 signing is deterministic. */
	uint8_t sig2[SIG_MAX_BYTES];
	size_t sn2 = 0;
	assert_true(privkey_sign_rsa(
	    priv, DIGEST_SHA256, span_make(h, hn), sig2, sizeof(sig2), &sn2));
	assert_span_equal(span_make(sig2, sn2), sig, sn);

	/* A different key does not verify it. */
	struct pubkey *other = NULL;
	size_t on = b64(der, sizeof(der), KEY_1024_PKCS1);
	assert_int_equal(
	    pubkey_decode(&other, PUBKEY_RSA, span_make(der, on)), PUBKEY_OK);
	assert_false(pubkey_verify_rsa(
	    other, DIGEST_SHA256, span_make(h, hn), span_make(sig, sn)));

	pubkey_free(other);
	pubkey_free(pub);
	privkey_free(priv);
	digest_cleanup(&d);
}

static size_t
sha(enum digest_alg alg, const char *msg, uint8_t *out)
{
	struct digest d;
	assert_true(digest_init(&d));
	digest_begin(&d, alg);
	digest_update(&d, msg, strlen(msg));
	size_t n = 0;
	assert_true(digest_finish(&d, out, &n));
	digest_cleanup(&d);
	return n;
}

/* RSA sign-then-verify with a fresh key, and every way it must fail. */
static void
test_pubkey_rsa_sign_verify_round_trip(void **state)
{
	(void)state;
	struct privkey *priv = NULL;
	assert_true(privkey_generate(&priv, PUBKEY_RSA, 1024));
	assert_int_equal(privkey_get_type(priv), PUBKEY_RSA);
	assert_int_equal(privkey_bits(priv), 1024);
	uint8_t der[KEYBUF];
	size_t dn = 0;
	assert_true(privkey_public_der(priv, der, sizeof(der), &dn));
	/* Too small an output buffer fails. */
	size_t tn = 0;
	assert_false(privkey_public_der(priv, der, dn - 1, &tn));
	struct pubkey *pub = NULL;
	assert_int_equal(
	    pubkey_decode(&pub, PUBKEY_RSA, span_make(der, dn)), PUBKEY_OK);
	assert_int_equal(pubkey_bits(pub), 1024);

	uint8_t h256[DIGEST_MAX_BYTES], h1[DIGEST_MAX_BYTES];
	size_t n256 = sha(DIGEST_SHA256, "message", h256);
	size_t n1 = sha(DIGEST_SHA1, "message", h1);
	uint8_t sig[SIG_MAX_BYTES];
	size_t sn = 0;
	assert_true(privkey_sign_rsa(
	    priv, DIGEST_SHA256, span_make(h256, n256), sig, sizeof(sig), &sn));
	assert_int_equal(sn, 128);
	struct span hs = span_make(h256, n256);
	assert_true(
	    pubkey_verify_rsa(pub, DIGEST_SHA256, hs, span_make(sig, sn)));

	/* Any flipped bit in the signature. */
	for (size_t bit = 0; bit < sn * 8; bit += 61) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(pubkey_verify_rsa(
		    pub, DIGEST_SHA256, hs, span_make(sig, sn)));
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Any flipped bit in the digest. */
	for (size_t bit = 0; bit < n256 * 8; bit += 7) {
		h256[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(pubkey_verify_rsa(
		    pub, DIGEST_SHA256, hs, span_make(sig, sn)));
		h256[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_true(
	    pubkey_verify_rsa(pub, DIGEST_SHA256, hs, span_make(sig, sn)));
	/* The wrong digest algorithm, with a digest of either length. */
	assert_false(
	    pubkey_verify_rsa(pub, DIGEST_SHA1, hs, span_make(sig, sn)));
	assert_false(pubkey_verify_rsa(
	    pub, DIGEST_SHA1, span_make(h256, 20), span_make(sig, sn)));
	/* A digest of the wrong length. */
	assert_false(pubkey_verify_rsa(
	    pub, DIGEST_SHA256, span_make(h256, 31), span_make(sig, sn)));
	/* Truncated, extended and empty signatures. */
	assert_false(
	    pubkey_verify_rsa(pub, DIGEST_SHA256, hs, span_make(sig, sn - 1)));
	sig[sn] = 0;
	assert_false(
	    pubkey_verify_rsa(pub, DIGEST_SHA256, hs, span_make(sig, sn + 1)));
	assert_false(
	    pubkey_verify_rsa(pub, DIGEST_SHA256, hs, span_make(sig, 0)));

	/* SHA-1 signatures verify too (historic rsa-sha1). */
	assert_true(privkey_sign_rsa(
	    priv, DIGEST_SHA1, span_make(h1, n1), sig, sizeof(sig), &sn));
	assert_true(pubkey_verify_rsa(
	    pub, DIGEST_SHA1, span_make(h1, n1), span_make(sig, sn)));
	assert_false(pubkey_verify_rsa(
	    pub, DIGEST_SHA256, span_make(h1, n1), span_make(sig, sn)));

	/* Signing into too small a buffer fails. */
	assert_false(privkey_sign_rsa(
	    priv, DIGEST_SHA256, span_make(h256, n256), sig, 127, &sn));

	/* An RSA key is never good for Ed25519. */
	uint8_t sig64[64] = { 0 };
	assert_false(privkey_sign_ed25519(priv, span_make(h256, n256), sig64));
	assert_false(pubkey_verify_ed25519(
	    pub, span_make(h256, n256), span_make(sig, 64)));

	pubkey_free(pub);
	privkey_free(priv);
}

/* ed_verify checks |sig| both ways, one-off and through |v|'s context
 * kept for the key (reused across good and bad signatures), and returns
 * the verdict they must agree on. */
static bool
ed_verify(struct pk_verifier *v, const struct pubkey *pub, struct span msg,
    struct span sig)
{
	bool once = pubkey_verify_ed25519(pub, msg, sig);
	assert_int_equal(pk_verifier_ed25519(v, pub, msg, sig), once);
	return once;
}

/* Ed25519 sign-then-verify with a fresh key, and every way it must fail. */
static void
test_pubkey_ed25519_sign_verify_round_trip(void **state)
{
	(void)state;
	struct pk_verifier *v = pk_verifier_new();
	assert_non_null(v);
	struct privkey *priv = NULL;
	assert_true(privkey_generate(&priv, PUBKEY_ED25519, 0));
	assert_int_equal(privkey_get_type(priv), PUBKEY_ED25519);
	uint8_t raw[64];
	size_t rn = 0;
	assert_true(privkey_public_der(priv, raw, sizeof(raw), &rn));
	assert_int_equal(rn, 32);
	struct pubkey *pub = NULL;
	assert_int_equal(
	    pubkey_decode(&pub, PUBKEY_ED25519, span_make(raw, rn)), PUBKEY_OK);
	assert_int_equal(pubkey_get_type(pub), PUBKEY_ED25519);
	assert_int_equal(pubkey_bits(pub), 256);

	/* RFC 8463 signs the SHA-256 of the header data. */
	uint8_t msg[DIGEST_MAX_BYTES];
	size_t mn = sha(DIGEST_SHA256, "header data", msg);
	uint8_t sig[66];
	assert_true(privkey_sign_ed25519(priv, span_make(msg, mn), sig));
	struct span ms = span_make(msg, mn);
	assert_true(ed_verify(v, pub, ms, span_make(sig, 64)));

	for (size_t bit = 0; bit < 64 * 8; bit += 13) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(ed_verify(v, pub, ms, span_make(sig, 64)));
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (size_t bit = 0; bit < mn * 8; bit += 5) {
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(ed_verify(v, pub, ms, span_make(sig, 64)));
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_true(ed_verify(v, pub, ms, span_make(sig, 64)));
	/* Signatures of the wrong length. */
	sig[64] = 0;
	sig[65] = 0;
	assert_false(ed_verify(v, pub, ms, span_make(sig, 63)));
	assert_false(ed_verify(v, pub, ms, span_make(sig, 65)));
	assert_false(ed_verify(v, pub, ms, span_make(sig, 0)));
	/* A shorter message is a different message. */
	assert_false(
	    ed_verify(v, pub, span_make(msg, mn - 1), span_make(sig, 64)));

	/* An Ed25519 key is never good for RSA. */
	uint8_t out[SIG_MAX_BYTES];
	size_t on = 0;
	assert_false(
	    privkey_sign_rsa(priv, DIGEST_SHA256, ms, out, sizeof(out), &on));
	assert_false(
	    pubkey_verify_rsa(pub, DIGEST_SHA256, ms, span_make(sig, 64)));

	/* A different Ed25519 key does not verify it. */
	struct pubkey *other = NULL;
	uint8_t bris[64];
	size_t bn = b64(bris, sizeof(bris), KEY_BRISBANE_ED25519);
	assert_int_equal(
	    pubkey_decode(&other, PUBKEY_ED25519, span_make(bris, bn)),
	    PUBKEY_OK);
	assert_false(ed_verify(v, other, ms, span_make(sig, 64)));
	assert_true(ed_verify(v, pub, ms, span_make(sig, 64)));
	/* An RSA key is never good for Ed25519. */
	struct pubkey *rsa = NULL;
	uint8_t der[512];
	size_t dn = b64(der, sizeof(der), KEY_TEST_SPKI);
	assert_int_equal(
	    pubkey_decode(&rsa, PUBKEY_RSA, span_make(der, dn)), PUBKEY_OK);
	assert_false(pk_verifier_ed25519(v, rsa, ms, span_make(sig, 64)));
	pubkey_free(rsa);

	pubkey_free(other);
	pubkey_free(pub);
	privkey_free(priv);
	/* The cached context holds its own reference to the key. */
	pk_verifier_free(v);
}

/* An RSA key from the table is rejected by verify_ed25519 even with a
 * 64-byte signature. */
static void
test_pubkey_rsa_key_fails_ed25519_verify(void **state)
{
	(void)state;
	uint8_t der[KEYBUF];
	size_t dn = b64(der, sizeof(der), KEY_TEST_SPKI);
	struct pubkey *pub = NULL;
	assert_int_equal(
	    pubkey_decode(&pub, PUBKEY_RSA, span_make(der, dn)), PUBKEY_OK);
	uint8_t sig[64];
	size_t sn = harness_hex_decode(sig, sizeof(sig), RFC8032_T1_SIG);
	assert_false(pubkey_verify_ed25519(pub, S(""), span_make(sig, sn)));
	pubkey_free(pub);
}

/* RFC 8032 §7.1 TEST 1: the published signature of the empty message
 * verifies with the published key, which is RFC 8463's brisbane key. */
static void
test_pubkey_rfc8032_test1_verifies(void **state)
{
	(void)state;
	uint8_t pk[32], bris[64], sig[64];
	size_t pn = harness_hex_decode(pk, sizeof(pk), RFC8032_T1_PUBLIC);
	size_t sn = harness_hex_decode(sig, sizeof(sig), RFC8032_T1_SIG);
	assert_int_equal(pn, 32);
	assert_int_equal(sn, 64);
	size_t bn = b64(bris, sizeof(bris), KEY_BRISBANE_ED25519);
	assert_span_equal(span_make(bris, bn), pk, pn);

	struct pubkey *pub = NULL;
	assert_int_equal(
	    pubkey_decode(&pub, PUBKEY_ED25519, span_make(pk, pn)), PUBKEY_OK);
	/* The empty message, given both as a NULL and a non-NULL span. */
	assert_true(
	    pubkey_verify_ed25519(pub, span_empty(), span_make(sig, sn)));
	assert_true(pubkey_verify_ed25519(pub, S(""), span_make(sig, sn)));
	/* Any other message fails. */
	assert_false(pubkey_verify_ed25519(pub, S("\0"), span_make(sig, sn)));
	pubkey_free(pub);
}

/* The RFC 8032 TEST 1 secret, loaded as PKCS#8 PEM, signs the empty
 * message to exactly the published signature (Ed25519 is deterministic),
 * and PEM export and import round-trip. */
static void
test_pubkey_rfc8032_test1_signs(void **state)
{
	(void)state;
	uint8_t der[64];
	memcpy(der, ed25519_pkcs8_prefix, sizeof(ed25519_pkcs8_prefix));
	size_t dn = sizeof(ed25519_pkcs8_prefix);
	dn += harness_hex_decode(der + dn, sizeof(der) - dn, RFC8032_T1_SECRET);
	char pem[256];
	size_t pn = 0;
	const char head[] = "-----BEGIN PRIVATE KEY-----\n";
	const char tail[] = "\n-----END PRIVATE KEY-----\n";
	memcpy(pem, head, sizeof(head) - 1);
	pn = sizeof(head) - 1;
	pn += b64_encode(pem + pn, der, dn);
	memcpy(pem + pn, tail, sizeof(tail) - 1);
	pn += sizeof(tail) - 1;

	struct privkey *priv = NULL;
	assert_true(privkey_from_pem(&priv, span_make(pem, pn)));
	assert_int_equal(privkey_get_type(priv), PUBKEY_ED25519);
	uint8_t pk[64], want_pk[32];
	size_t kn = 0;
	assert_true(privkey_public_der(priv, pk, sizeof(pk), &kn));
	size_t wn =
	    harness_hex_decode(want_pk, sizeof(want_pk), RFC8032_T1_PUBLIC);
	assert_span_equal(span_make(pk, kn), want_pk, wn);

	uint8_t sig[64], want_sig[64];
	assert_true(privkey_sign_ed25519(priv, span_empty(), sig));
	size_t sn =
	    harness_hex_decode(want_sig, sizeof(want_sig), RFC8032_T1_SIG);
	assert_span_equal(span_make(sig, 64), want_sig, sn);

	/* Export to PEM and load again: same key. */
	char out[1024];
	size_t on = 0;
	assert_true(privkey_to_pem(priv, out, sizeof(out), &on));
	assert_false(privkey_to_pem(priv, out, 10, &on));
	struct privkey *again = NULL;
	assert_true(privkey_from_pem(&again, span_make(out, on)));
	uint8_t sig2[64];
	assert_true(privkey_sign_ed25519(again, span_empty(), sig2));
	assert_span_equal(span_make(sig2, 64), want_sig, sn);

	/* Garbage and truncated PEM are rejected. */
	struct privkey *bad = NULL;
	assert_false(privkey_from_pem(&bad, S("not a key")));
	assert_false(privkey_from_pem(&bad, span_make(pem, pn / 2)));
	assert_false(privkey_from_pem(&bad, S("")));
	assert_null(bad);

	privkey_free(again);
	privkey_free(priv);
	privkey_free(NULL);
}

/* The per-thread context cache gives the same answers as a fresh context:
 * across keys and hashes that share cache slots, after a failure, and after
 * the key object it was made from is freed. */
static void
test_pk_verifier_cache(void **state)
{
	(void)state;
	enum { NUM_KEYS = 3 };
	struct privkey *priv[NUM_KEYS];
	struct pubkey *pub[NUM_KEYS];
	uint8_t sig[NUM_KEYS][2][SIG_MAX_BYTES];
	size_t sn[NUM_KEYS][2];
	uint8_t h[2][DIGEST_MAX_BYTES];
	size_t hn[2] = { sha(DIGEST_SHA1, "cache", h[0]),
		sha(DIGEST_SHA256, "cache", h[1]) };
	for (int k = 0; k < NUM_KEYS; k++) {
		assert_true(privkey_generate(&priv[k], PUBKEY_RSA, 1024));
		uint8_t der[KEYBUF];
		size_t dn;
		assert_true(privkey_public_der(priv[k], der, sizeof(der), &dn));
		assert_int_equal(
		    pubkey_decode(&pub[k], PUBKEY_RSA, span_make(der, dn)),
		    PUBKEY_OK);
		for (int a = 0; a < 2; a++) {
			assert_true(privkey_sign_rsa(priv[k],
			    (enum digest_alg)a, span_make(h[a], hn[a]),
			    sig[k][a], SIG_MAX_BYTES, &sn[k][a]));
		}
	}
	struct pk_verifier *v = pk_verifier_new();
	assert_non_null(v);
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < NUM_KEYS; k++) {
			for (int a = 0; a < 2; a++) {
				struct span dg = span_make(h[a], hn[a]);
				struct span good =
				    span_make(sig[k][a], sn[k][a]);
				/* Another key's signature, then the right one. */
				struct span other =
				    span_make(sig[(k + 1) % NUM_KEYS][a],
				        sn[(k + 1) % NUM_KEYS][a]);
				assert_false(pk_verifier_rsa(
				    v, pub[k], (enum digest_alg)a, dg, other));
				assert_true(pk_verifier_rsa(
				    v, pub[k], (enum digest_alg)a, dg, good));
				/* The right signature under the other hash. */
				assert_false(pk_verifier_rsa(v, pub[k],
				    (enum digest_alg)(1 - a),
				    span_make(h[1 - a], hn[1 - a]), good));
			}
		}
	}
	struct span dg = span_make(h[1], hn[1]);
	assert_true(pk_verifier_rsa(
	    v, pub[0], DIGEST_SHA256, dg, span_make(sig[0][1], sn[0][1])));
	/* The key objects go first: the contexts hold their own references,
	 * which ASan checks when the cache is freed after them. */
	for (int k = 0; k < NUM_KEYS; k++) {
		privkey_free(priv[k]);
		pubkey_free(pub[k]);
	}
	pk_verifier_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pubkey_decode_cases),
		cmocka_unit_test(test_pubkey_decode_empty_is_rejected),
		cmocka_unit_test(test_pubkey_test_private_matches_test_key),
		cmocka_unit_test(test_pubkey_rsa_sign_verify_round_trip),
		cmocka_unit_test(test_pubkey_ed25519_sign_verify_round_trip),
		cmocka_unit_test(test_pubkey_rsa_key_fails_ed25519_verify),
		cmocka_unit_test(test_pubkey_rfc8032_test1_verifies),
		cmocka_unit_test(test_pubkey_rfc8032_test1_signs),
		cmocka_unit_test(test_pk_verifier_cache),
	};
	return cmocka_run_group_tests(
	    tests, harness_crypto_setup, harness_crypto_teardown);
}
