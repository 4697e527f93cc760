/*
 * test_arc.c - ARC chains (auth/arc.c) made by the sealer (auth/arc_sign.c)
 * and then verified, broken and reordered: each way a chain can fail
 * gives its own reason and instance, and an AMS body pass is shared with a
 * DKIM signature of the same body canonicalization.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/arc.h"
#include "crypto/b64.h"
#include "crypto/sign.h"
#include "dns/zone.h"

static struct privkey *key;
static struct digest dg;
static struct arena arena;
static struct dkim_verifier *verifier;
static struct zone *zone;

static const char base_msg[] = "From: Alice <alice@example.com>\r\n"
                               "To: list@example.org\r\n"
                               "Subject: ARC\r\n"
                               "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
                               "Message-ID: <1@example.com>\r\n"
                               "\r\n"
                               "Hello, list.\r\n";

static int
setup(void **state)
{
	(void)state;
	if (!crypto_init()) {
		return -1;
	}
	size_t len;
	char *pem = harness_read_file("corpus/keys/rsa2048-a.pem", &len);
	if (pem == NULL || !privkey_from_pem(&key, span_make(pem, len))) {
		return -1;
	}
	free(pem);
	/* The public key, as the corpus publishes it. */
	uint8_t der[1024];
	size_t der_len;
	if (!privkey_public_der(key, der, sizeof(der), &der_len)) {
		return -1;
	}
	char *b64 = malloc(b64_encoded_len(der_len) + 1);
	size_t n = b64_encode(b64, der, der_len);
	char *text = malloc(n + 256);
	/* Character-strings hold 255 bytes at most: two of them. */
	int t = snprintf(text, n + 256,
	    "k2048a._domainkey.example.com. TXT \"v=DKIM1; k=rsa; p=%.*s\" "
	    "\"%.*s\"\n",
	    (int)(n / 2), b64, (int)(n - n / 2), b64 + n / 2);
	zone = zone_new();
	struct zone_error err;
	bool ok = zone != NULL &&
	    zone_add_text(zone, span_make(text, (size_t)t), &err);
	free(text);
	free(b64);
	arena_init(&arena, (size_t)1 << 20);
	verifier = dkim_verifier_new();
	return ok && digest_init(&dg) && verifier != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dkim_verifier_free(verifier);
	digest_cleanup(&dg);
	arena_cleanup(&arena);
	zone_free(zone);
	privkey_free(key);
	crypto_cleanup();
	return 0;
}

/* seal adds instance |i| to |text| (malloc'd, freed) and returns the new
 * message (malloc'd). */
static char *
seal(char *text, unsigned i, const char *h)
{
	struct arc_seal_params p = {
		.key = key,
		.alg = DKIM_ALG_RSA_SHA256,
		.d = S("example.com"),
		.s = S("k2048a"),
		.h = span_make(h, strlen(h)),
		.authserv_id = S("lists.example.org"),
		.results = S("dkim=pass header.d=example.com"),
		.t = 1700000000 + i,
		.i = i,
	};
	arena_reset(&arena);
	struct span set;
	assert_true(
	    arc_seal(&set, &dg, span_make(text, strlen(text)), &p, &arena));
	size_t tl = strlen(text);
	char *out = malloc(set.len + tl + 1);
	assert_non_null(out);
	memcpy(out, set.p, set.len);
	memcpy(out + set.len, text, tl + 1);
	free(text);
	return out;
}

static char *
chain(unsigned n)
{
	char *text = strdup(base_msg);
	for (unsigned i = 1; i <= n; i++) {
		text = seal(text, i, "from:to:subject:date:message-id");
	}
	return text;
}

static void
verify(const char *text, struct dkim_outcome *dk, struct arc_outcome *arc)
{
	arena_reset(&arena);
	struct msg m;
	assert_int_equal(
	    msg_parse(&m, &arena, (const uint8_t *)text, strlen(text)), MSG_OK);
	struct dns_view v = zone_view(zone);
	assert_true(auth_verify(verifier, dk, arc, &m, &v, 0, &arena));
	assert_false(dk->pending);
}

/* replace returns |text| with the first |from| replaced by |to|. */
static char *
replace(char *text, const char *from, const char *to)
{
	char *at = strstr(text, from);
	assert_non_null(at);
	size_t fl = strlen(from), tl = strlen(to), n = strlen(text);
	char *out = malloc(n - fl + tl + 1);
	assert_non_null(out);
	size_t pre = (size_t)(at - text);
	memcpy(out, text, pre);
	memcpy(out + pre, to, tl);
	memcpy(out + pre + tl, at + fl, n - pre - fl + 1);
	free(text);
	return out;
}

static void
test_chains_pass(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 4; n++) {
		char *text = chain(n);
		struct dkim_outcome dk;
		struct arc_outcome arc;
		verify(text, &dk, &arc);
		assert_int_equal(arc.result, ARC_PASS);
		assert_int_equal(arc.num_instances, n);
		assert_int_equal(arc.oldest_pass, 1);
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(arc.inst[i].i, i + 1);
			assert_int_equal(arc.inst[i].as.verdict, AUTH_PASS);
			assert_int_equal(arc.inst[i].ams.verdict, AUTH_PASS);
			assert_true(arc.inst[i].aar_ok);
			assert_int_equal(arc.inst[i].aar_parsed.num_results, 1);
		}
		free(text);
	}
	struct dkim_outcome dk;
	struct arc_outcome arc;
	verify(base_msg, &dk, &arc);
	assert_int_equal(arc.result, ARC_NONE);
}

static void
test_body_change_breaks_newest_ams(void **state)
{
	(void)state;
	char *text = replace(chain(2), "Hello, list.", "Hello, LIST.");
	struct dkim_outcome dk;
	struct arc_outcome arc;
	verify(text, &dk, &arc);
	assert_int_equal(arc.result, ARC_FAIL);
	assert_int_equal(arc.reason, ARC_R_AMS);
	assert_int_equal(arc.broken, 2);
	assert_int_equal(arc.inst[1].ams.reason, DKIM_R_BODY_HASH);
	free(text);
}

static void
test_oldest_pass(void **state)
{
	(void)state;
	/* Hop 1 signs the Subject; hop 2 rewrites it (a list tag) and signs
	 * the new one: the chain passes, but only from instance 2. */
	char *text = strdup(base_msg);
	text = seal(text, 1, "from:to:subject");
	text = replace(text, "Subject: ARC", "Subject: [list] ARC");
	text = seal(text, 2, "from:to:subject");
	struct dkim_outcome dk;
	struct arc_outcome arc;
	verify(text, &dk, &arc);
	assert_int_equal(arc.result, ARC_PASS);
	assert_int_equal(arc.oldest_pass, 2);
	assert_int_equal(arc.inst[0].ams.verdict, AUTH_FAIL);
	free(text);
}

static void
test_seal_tampered(void **state)
{
	(void)state;
	/* The AAR of instance 1 is covered only by the seals. */
	char *text = replace(chain(2), "i=1; lists.example.org; dkim=pass",
	    "i=1; lists.example.org; dkim=fail");
	struct dkim_outcome dk;
	struct arc_outcome arc;
	verify(text, &dk, &arc);
	assert_int_equal(arc.result, ARC_FAIL);
	assert_int_equal(arc.reason, ARC_R_SEAL);
	assert_int_equal(arc.broken, 2);
	assert_int_equal(arc.inst[1].as.reason, DKIM_R_SIGNATURE);
	free(text);
}

static void
test_structure(void **state)
{
	(void)state;
	struct dkim_outcome dk;
	struct arc_outcome arc;
	/* A gap: instance 1 renumbered to 3. */
	char *text = chain(2);
	text = replace(text, "ARC-Authentication-Results: i=1;",
	    "ARC-Authentication-Results: i=3;");
	verify(text, &dk, &arc);
	assert_int_equal(arc.result, ARC_FAIL);
	assert_int_equal(arc.reason, ARC_R_MISSING);
	free(text);
	/* A second AAR for instance 2. */
	text = chain(2);
	text = replace(text, "ARC-Seal: i=2;",
	    "ARC-Authentication-Results: i=2; x.example; none\r\n"
	    "ARC-Seal: i=2;");
	verify(text, &dk, &arc);
	assert_int_equal(arc.result, ARC_FAIL);
	assert_int_equal(arc.reason, ARC_R_DUPLICATE);
	assert_int_equal(arc.broken, 2);
	free(text);
	/* The newest seal says cv=fail. */
	text = replace(chain(2), "cv=pass", "cv=fail");
	verify(text, &dk, &arc);
	assert_int_equal(arc.reason, ARC_R_NEWEST_FAIL);
	free(text);
	/* i=1 must say cv=none. */
	text = replace(chain(1), "cv=none", "cv=pass");
	verify(text, &dk, &arc);
	assert_int_equal(arc.reason, ARC_R_CV);
	assert_int_equal(arc.broken, 1);
	free(text);
	/* No usable instance. */
	text = replace(chain(1), "ARC-Seal: i=1;", "ARC-Seal: i=x;");
	verify(text, &dk, &arc);
	assert_int_equal(arc.reason, ARC_R_INSTANCE);
	free(text);
	/* Instance 51. */
	text = replace(chain(1), "ARC-Seal: i=1;", "ARC-Seal: i=51;");
	verify(text, &dk, &arc);
	assert_int_equal(arc.reason, ARC_R_TOO_MANY);
	free(text);
}

static void
test_body_pass_shared_with_dkim(void **state)
{
	(void)state;
	/* A DKIM signature relaxed/relaxed and an AMS (always relaxed) over
	 * the same body: one body pass, so adding the AMS adds header bytes
	 * only.  Measured as the SHA-256 bytes hashed. */
	/* A 20 KB body: hashing it twice would show. */
	size_t head = strlen(base_msg) - strlen("Hello, list.\r\n");
	size_t body_len = 20000;
	char *plain = malloc(head + body_len + 1);
	assert_non_null(plain);
	memcpy(plain, base_msg, head);
	for (size_t i = 0; i < body_len; i += 50) {
		memcpy(plain + head + i,
		    "The quick brown fox jumps over the lazy dog 1234\r\n", 50);
	}
	plain[head + body_len] = '\0';
	struct msg m;
	arena_reset(&arena);
	assert_int_equal(
	    msg_parse(&m, &arena, (const uint8_t *)plain, strlen(plain)),
	    MSG_OK);
	struct dkim_sign_params p = {
		.key = key,
		.alg = DKIM_ALG_RSA_SHA256,
		.hcanon = CANON_RELAXED,
		.bcanon = CANON_RELAXED,
		.d = S("example.com"),
		.s = S("k2048a"),
		.h = S("from:to:subject"),
	};
	struct span field;
	assert_true(dkim_sign(&field, &dg, &m, &p, &arena));
	size_t tl = strlen(plain);
	char *signed_msg = malloc(field.len + 2 + tl + 1);
	assert_non_null(signed_msg);
	memcpy(signed_msg, field.p, field.len);
	memcpy(signed_msg + field.len, "\r\n", 2);
	memcpy(signed_msg + field.len + 2, plain, tl + 1);
	free(plain);
	struct dkim_outcome dk;
	struct arc_outcome arc;
	verify(signed_msg, &dk, &arc);
	assert_int_equal(dk.sigs[0].verdict, AUTH_PASS);
	assert_int_equal(dk.sigs[0].body_len, body_len);
	uint64_t dkim_only = dk.hashed_bytes[DIGEST_SHA256];
	char *sealed = seal(signed_msg, 1, "from:to:subject");
	verify(sealed, &dk, &arc);
	assert_int_equal(arc.result, ARC_PASS);
	assert_int_equal(dk.sigs[0].verdict, AUTH_PASS);
	/* The extra bytes are the AMS's and the seal's header input (about
	 * 1 KB); a second body pass would add 20 KB more. */
	uint64_t extra = dk.hashed_bytes[DIGEST_SHA256] - dkim_only;
	assert_true(extra > 0 && extra < 2000);
	free(sealed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains_pass),
		cmocka_unit_test(test_body_change_breaks_newest_ams),
		cmocka_unit_test(test_oldest_pass),
		cmocka_unit_test(test_seal_tampered),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_body_pass_shared_with_dkim),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
