/*
 * test_dkim.c - DKIM signatures, key records and verification.
 *
 * Three tables: signature fields (every tag rule of RFC 6376 §3.5 with a
 * case that rejects), key records (§3.6.1), and whole messages signed here
 * with controlled tags and then verified, tampered or stored with LF line
 * endings.  Keys are generated at start-up and served through the zone
 * reader, as in a real run.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "auth/dkim.h"
#include "canon/arena.h"
#include "canon/msg.h"
#include "crypto/b64.h"
#include "crypto/digest.h"
#include "crypto/sign.h"
#include "dns/zone.h"

static struct arena arena;
static struct digest dg;
static struct dkim_verifier *verifier;
static struct privkey *k_rsa, *k_ed, *k_small;
static struct zone *zone;
static struct dns_view view;
static char rsa_p[1024], ed_p[64], small_p[256];

/* ---- signature fields ---------------------------------------------------- */

#define BH "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; "
#define B "b=dGVzdA==; "
#define BASE "v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; " BH B

struct sig_case {
	const char *name;
	const char *value;
	size_t value_len;
	enum dkim_reason want;
};

#define SC(name, value, want)                                                  \
	{                                                                      \
		name, value, sizeof(value) - 1, want                           \
	}

static const struct sig_case sig_cases[] = {
	SC("minimal valid signature", BASE, DKIM_R_OK),
	SC("unknown tags are ignored", BASE "foo=bar; zz=1", DKIM_R_OK),
	SC("missing v=", "a=rsa-sha256; d=example.com; s=sel; h=from; " BH B,
	    DKIM_R_MISSING_TAG),
	SC("missing bh=", "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; " B,
	    DKIM_R_MISSING_TAG),
	SC("missing h=", "v=1; a=rsa-sha256; d=example.com; s=sel; " BH B,
	    DKIM_R_MISSING_TAG),
	SC("v=2 rejected",
	    "v=2; a=rsa-sha256; d=example.com; s=sel; h=from; " BH B,
	    DKIM_R_BAD_VERSION),
	SC("unknown algorithm",
	    "v=1; a=rsa-md5; d=example.com; s=sel; h=from; " BH B,
	    DKIM_R_BAD_ALGORITHM),
	SC("algorithm in odd case",
	    "v=1; a=RSA-SHA256; d=example.com; s=sel; "
	    "h=from; " BH B,
	    DKIM_R_OK),
	SC("unknown canonicalization", BASE "c=foobar", DKIM_R_BAD_CANON),
	SC("unknown body canonicalization", BASE "c=relaxed/fancy",
	    DKIM_R_BAD_CANON),
	SC("c=relaxed alone", BASE "c=relaxed", DKIM_R_OK),
	SC("one-label domain",
	    "v=1; a=rsa-sha256; d=example; s=sel; h=from; " BH B,
	    DKIM_R_BAD_DOMAIN),
	SC("domain with a parenthesis",
	    "v=1; a=rsa-sha256; d=legitimate.com(.attacker.com; s=sel; "
	    "h=from; " BH B,
	    DKIM_R_BAD_DOMAIN),
	SC("domain label starting with a hyphen",
	    "v=1; a=rsa-sha256; d=-x.example.com; s=sel; h=from; " BH B,
	    DKIM_R_BAD_DOMAIN),
	SC("empty selector label",
	    "v=1; a=rsa-sha256; d=example.com; s=a..b; "
	    "h=from; " BH B,
	    DKIM_R_BAD_SELECTOR),
	SC("selector with underscore",
	    "v=1; a=rsa-sha256; d=example.com; "
	    "s=s_1.x; h=from; " BH B,
	    DKIM_R_OK),
	SC("From not signed",
	    "v=1; a=rsa-sha256; d=example.com; s=sel; "
	    "h=to:subject; " BH B,
	    DKIM_R_FROM_NOT_SIGNED),
	SC("From in odd case",
	    "v=1; a=rsa-sha256; d=example.com; s=sel; "
	    "h=FROM : to; " BH B,
	    DKIM_R_OK),
	SC("empty h= entry",
	    "v=1; a=rsa-sha256; d=example.com; s=sel; "
	    "h=from::to; " BH B,
	    DKIM_R_BAD_HEADERS),
	SC("i= at the domain", BASE "i=@example.com", DKIM_R_OK),
	SC("i= at a subdomain", BASE "i=joe@mail.Example.COM", DKIM_R_OK),
	SC("i= quoted-printable", BASE "i=joe=40home@example.com", DKIM_R_OK),
	SC("i= outside d=", BASE "i=@example.org", DKIM_R_AUID_NOT_IN_SDID),
	SC("i= suffix but not subdomain", BASE "i=@notexample.com",
	    DKIM_R_AUID_NOT_IN_SDID),
	SC("i= without @", BASE "i=joe", DKIM_R_BAD_AUID),
	SC("i= bad quoted-printable", BASE "i=joe=4@example.com",
	    DKIM_R_BAD_AUID),
	SC("l= with leading zeros", BASE "l=000123", DKIM_R_OK),
	SC("l= not a number", BASE "l=12a", DKIM_R_BAD_LENGTH),
	SC("l= beyond 64 bits", BASE "l=123456789012345678901234",
	    DKIM_R_BAD_LENGTH),
	SC("q=dns/txt", BASE "q=dns/txt", DKIM_R_OK),
	SC("q= with another method first", BASE "q=foo/bar:dns/txt", DKIM_R_OK),
	SC("q=http only", BASE "q=http", DKIM_R_BAD_QUERY),
	SC("q=dns/special", BASE "q=dns/special", DKIM_R_BAD_QUERY),
	SC("t= not a number", BASE "t=12x", DKIM_R_BAD_TIME),
	SC("t= with 13 digits", BASE "t=1234567890123", DKIM_R_BAD_TIME),
	SC("x= equal to t=", BASE "t=100; x=100", DKIM_R_EXPIRY_BEFORE_TS),
	SC("x= after t=", BASE "t=100; x=101", DKIM_R_OK),
	SC("b= not base64",
	    "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; " BH "b=@@@@",
	    DKIM_R_BAD_BASE64),
	SC("bh= not base64",
	    "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; "
	    "bh=abc; " B,
	    DKIM_R_BAD_BASE64),
	SC("b= with folding inside",
	    "v=1; a=rsa-sha256; d=example.com; s=sel; "
	    "h=from; " BH "b=dGVz\r\n dA==",
	    DKIM_R_OK),
	SC("duplicate tag", BASE "s=other", DKIM_R_SIG_SYNTAX),
	SC("embedded NUL in a value",
	    "v=1; a=rsa-sha256; d=exa\0mple.com; s=sel; "
	    "h=from; " BH B,
	    DKIM_R_SIG_SYNTAX),
	SC("empty tag list", "", DKIM_R_SIG_SYNTAX),
};

static void
parse_field(struct msg *m, struct arena *a, const char *value, size_t len)
{
	static const char head[] = "DKIM-Signature: ";
	char *text = arena_alloc(a, sizeof(head) + len + 4);
	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, value, len);
	memcpy(text + sizeof(head) - 1 + len, "\r\n\r\n", 4);
	assert_int_equal(
	    msg_parse(m, a, (uint8_t *)text, sizeof(head) - 1 + len + 4),
	    MSG_OK);
	assert_int_equal(m->num_fields, 1);
}

static void
test_sig_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(sig_cases); i++) {
		const struct sig_case *tc = &sig_cases[i];
		print_message("case: %s\n", tc->name);
		arena_reset(&arena);
		struct msg m;
		parse_field(&m, &arena, tc->value, tc->value_len);
		struct dkim_sig sig;
		enum dkim_reason got = dkim_sig_parse(
		    &sig, &arena, &m.fields[0], &dkim_signature_rules);
		assert_string_equal(
		    dkim_reason_code(got), dkim_reason_code(tc->want));
	}
}

static void
test_sig_values(void **state)
{
	(void)state;
	arena_reset(&arena);
	struct msg m;
	static const char v[] =
	    BASE "c=relaxed; i=joe=40home@Mail.example.com; "
	         "l=0042; t=10; x=20; h=x";
	parse_field(&m, &arena, v, sizeof(v) - 1);
	struct dkim_sig sig;
	/* h= appears twice: the whole list is invalid. */
	assert_int_equal(
	    dkim_sig_parse(&sig, &arena, &m.fields[0], &dkim_signature_rules),
	    DKIM_R_SIG_SYNTAX);

	static const char w[] =
	    BASE "c=relaxed; i=joe=40home@Mail.example.com; "
	         "l=0042; t=10; x=20";
	arena_reset(&arena);
	parse_field(&m, &arena, w, sizeof(w) - 1);
	assert_int_equal(
	    dkim_sig_parse(&sig, &arena, &m.fields[0], &dkim_signature_rules),
	    DKIM_R_OK);
	assert_int_equal(sig.hcanon, CANON_RELAXED);
	assert_int_equal(sig.bcanon, CANON_SIMPLE);
	assert_span_equal(sig.auid, "joe@home@Mail.example.com", 25);
	assert_span_equal(sig.auid_domain, "Mail.example.com", 16);
	assert_true(sig.has_l && sig.l == 42);
	assert_true(sig.t == 10 && sig.x == 20);
	assert_int_equal(sig.num_h, 2);
	assert_span_equal(sig.h[1], "to", 2);
	assert_int_equal(sig.b_len, 4);
	assert_int_equal(sig.bh_len, 32);
	/* The b= region is "dGVzdA==; "'s value part up to the ";". */
	assert_span_equal(sig.b_region, "dGVzdA==", 8);
}

static void
test_key_name(void **state)
{
	(void)state;
	uint8_t buf[DNS_MAX_NAME + 1];
	struct span n =
	    dkim_key_name(buf, sizeof(buf), S("sel"), S("example.com"));
	assert_span_equal(n, "sel._domainkey.example.com", 26);
	char longd[260];
	memset(longd, 'a', sizeof(longd));
	n = dkim_key_name(buf, sizeof(buf), S("sel"), span_make(longd, 245));
	assert_int_equal(n.len, 0);
}

/* ---- key records ---------------------------------------------------------- */

struct key_case {
	const char *name;
	const char *fmt; /* %s is replaced by the RSA-2048 p= value */
	enum dkim_reason want;
	bool testing, strict, sha1, sha256;
	enum pubkey_type type;
};

static const struct key_case key_cases[] = {
	{ "plain RSA key", "v=DKIM1; k=rsa; p=%s", DKIM_R_OK, false, false,
	    true, true, PUBKEY_RSA },
	{ "k= defaults to rsa", "p=%s", DKIM_R_OK, false, false, true, true,
	    PUBKEY_RSA },
	{ "v= not first is tolerated", "k=rsa; v=DKIM1; p=%s", DKIM_R_OK, false,
	    false, true, true, PUBKEY_RSA },
	{ "testing and strict flags", "v=DKIM1; t=y:s:future; p=%s", DKIM_R_OK,
	    true, true, true, true, PUBKEY_RSA },
	{ "h= restricts hashes", "v=DKIM1; h=sha256:md5; p=%s", DKIM_R_OK,
	    false, false, false, true, PUBKEY_RSA },
	{ "s=email", "v=DKIM1; s=email:other; p=%s", DKIM_R_OK, false, false,
	    true, true, PUBKEY_RSA },
	{ "s=* ", "v=DKIM1; s=*; p=%s", DKIM_R_OK, false, false, true, true,
	    PUBKEY_RSA },
	{ "s=chat excludes email", "v=DKIM1; s=chat; p=%s", DKIM_R_KEY_SERVICE,
	    false, false, true, true, PUBKEY_RSA },
	{ "v=DKIM2 discarded", "v=DKIM2; p=%s", DKIM_R_KEY_VERSION, false,
	    false, true, true, PUBKEY_RSA },
	{ "v=DKIM1: with a colon", "v=DKIM1: g=*; k=rsa; p=%s",
	    DKIM_R_KEY_VERSION, false, false, true, true, PUBKEY_RSA },
	{ "empty p= is revoked", "v=DKIM1; k=rsa; p=", DKIM_R_KEY_REVOKED,
	    false, false, true, true, PUBKEY_RSA },
	{ "no p= at all", "v=DKIM1; k=rsa", DKIM_R_KEY_NO_P, false, false, true,
	    true, PUBKEY_RSA },
	{ "unknown k=", "v=DKIM1; k=dsa; p=%s", DKIM_R_KEY_TYPE, false, false,
	    true, true, PUBKEY_RSA },
	{ "tag without value", "k=rsa; t; p=%s", DKIM_R_KEY_SYNTAX, false,
	    false, true, true, PUBKEY_RSA },
	{ "p= not base64", "v=DKIM1; p=!!!!", DKIM_R_KEY_DECODE, false, false,
	    true, true, PUBKEY_RSA },
	{ "p= not a key", "v=DKIM1; p=dGVzdA==", DKIM_R_KEY_DECODE, false,
	    false, true, true, PUBKEY_RSA },
	{ "RSA key given as ed25519", "v=DKIM1; k=ed25519; p=%s",
	    DKIM_R_KEY_DECODE, false, false, true, true, PUBKEY_ED25519 },
	{ "empty record", "", DKIM_R_KEY_SYNTAX, false, false, true, true,
	    PUBKEY_RSA },
};

static void
test_key_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(key_cases); i++) {
		const struct key_case *tc = &key_cases[i];
		print_message("case: %s\n", tc->name);
		/* Replace the "%s" of the pattern by the key. */
		char rec[2048];
		const char *pct = strstr(tc->fmt, "%s");
		if (pct == NULL) {
			snprintf(rec, sizeof(rec), "%s", tc->fmt);
		} else {
			snprintf(rec, sizeof(rec), "%.*s%s%s",
			    (int)(pct - tc->fmt), tc->fmt, rsa_p, pct + 2);
		}
		struct dkim_key *k =
		    dkim_key_parse(span_make(rec, strlen(rec)));
		assert_non_null(k);
		assert_string_equal(
		    dkim_reason_code(k->error), dkim_reason_code(tc->want));
		if (tc->want == DKIM_R_OK) {
			assert_int_equal(k->type, tc->type);
			assert_int_equal(k->bits, 2048);
			assert_int_equal(k->testing, tc->testing);
			assert_int_equal(k->strict, tc->strict);
			assert_int_equal(
			    k->hash_allowed[DIGEST_SHA1], tc->sha1);
			assert_int_equal(
			    k->hash_allowed[DIGEST_SHA256], tc->sha256);
		}
		k->base.free(&k->base);
	}
}

static void
test_key_ed25519_and_nul(void **state)
{
	(void)state;
	char rec[256];
	snprintf(rec, sizeof(rec), "v=DKIM1; k=ed25519; p=%s", ed_p);
	struct dkim_key *k = dkim_key_parse(span_make(rec, strlen(rec)));
	assert_non_null(k);
	assert_int_equal(k->error, DKIM_R_OK);
	assert_int_equal(k->type, PUBKEY_ED25519);
	k->base.free(&k->base);
	/* An embedded NUL makes the record unusable, not shorter. */
	static const char nul[] = "v=DKIM1; k=rsa\0; p=";
	k = dkim_key_parse(S(nul));
	assert_non_null(k);
	assert_int_equal(k->error, DKIM_R_KEY_SYNTAX);
	k->base.free(&k->base);
}

/* ---- signing and verifying whole messages ------------------------------ */

static const char base_msg[] =
    "Received: from mx.example.net by mx.example.org; Tue, 1 Jul 2025 "
    "10:00:00 +0000\r\n"
    "From: Joe SixPack <joe@example.com>\r\n"
    "To: Suzie Q <suzie@example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Tue, 1 Jul 2025 09:59:00 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "\r\n"
    "Hi.  \r\n"
    "\r\n"
    "We lost the game.\t Are you hungry yet?\r\n"
    "\r\n"
    "\r\n";

struct msg_case {
	const char *name;
	const char *key; /* selector */
	enum dkim_alg alg;
	enum canon_mode hc, bc;
	const char *h;
	const char *extra;
	const char *c_text;
	int64_t l; /* -1: none */
	int64_t x; /* -1: none */
	int64_t now;
	const char *find, *replace; /* edit after signing, or NULL */
	const char *append;         /* appended after signing, or NULL */
	bool lf;                    /* store with LF line endings */
	const char *body;           /* replaces the body, or NULL */
	enum auth_verdict want;
	enum dkim_reason why;
};

#define NOW 1751364000 /* 2025-07-01 10:00 UTC */
#define HDRS "from:to:subject:date:message-id"
#define OK AUTH_PASS, DKIM_R_OK

static const struct msg_case msg_cases[] = {
	{ "rsa relaxed/relaxed", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, NULL, OK },
	{ "rsa simple/simple", "rsa", DKIM_ALG_RSA_SHA256, CANON_SIMPLE,
	    CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, NULL, OK },
	{ "rsa relaxed/simple written c=relaxed", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_SIMPLE, HDRS, NULL, "relaxed", -1, -1, NOW,
	    NULL, NULL, NULL, false, NULL, OK },
	{ "ed25519 simple/relaxed", "ed", DKIM_ALG_ED25519_SHA256, CANON_SIMPLE,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, NULL, OK },
	{ "LF storage, relaxed", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    true, NULL, OK },
	{ "LF storage, simple", "ed", DKIM_ALG_ED25519_SHA256, CANON_SIMPLE,
	    CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL, true,
	    NULL, OK },
	{ "body changed", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, "lost", "won", NULL,
	    false, NULL, AUTH_FAIL, DKIM_R_BODY_HASH },
	{ "relaxed ignores added trailing whitespace", "rsa",
	    DKIM_ALG_RSA_SHA256, CANON_RELAXED, CANON_RELAXED, HDRS, NULL, NULL,
	    -1, -1, NOW, "Hi.", "Hi.\t ", NULL, false, NULL, OK },
	{ "simple does not", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, "Hi.", "Hi.\t ", NULL,
	    false, NULL, AUTH_FAIL, DKIM_R_BODY_HASH },
	{ "signed header changed", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, "dinner", "lunch",
	    NULL, false, NULL, AUTH_FAIL, DKIM_R_SIGNATURE },
	{ "relaxed header refolded", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, "Is dinner",
	    "Is\r\n\t  dinner", NULL, false, NULL, OK },
	{ "simple header refolded", "rsa", DKIM_ALG_RSA_SHA256, CANON_SIMPLE,
	    CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, "Is dinner",
	    "Is\r\n dinner", NULL, false, NULL, AUTH_FAIL, DKIM_R_SIGNATURE },
	{ "header name case changed under relaxed", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW,
	    "Subject:", "SUBJECT :", NULL, false, NULL, OK },
	{ "unsigned header added", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW,
	    "To:", "X-Spam: no\r\nTo:", NULL, false, NULL, OK },
	{ "second From added without over-signing", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW,
	    "Message-ID:", "From: evil@example.org\r\nMessage-ID:", NULL, false,
	    NULL, AUTH_FAIL, DKIM_R_SIGNATURE },
	{ "over-signed From blocks an added From", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, "from:from:to:subject", NULL, NULL,
	    -1, -1, NOW, "To:", "From: evil@example.org\r\nTo:", NULL, false,
	    NULL, AUTH_FAIL, DKIM_R_SIGNATURE },
	{ "over-signed absent header", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, "from:to:subject:reply-to:reply-to",
	    NULL, NULL, -1, -1, NOW, NULL, NULL, NULL, false, NULL, OK },
	{ "l= covers a footer added later", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, HDRS, NULL, NULL, 20, -1, NOW, NULL,
	    NULL, "--\r\nList footer\r\n", false, NULL, OK },
	{ "l= larger than the body", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, 5000, -1, NOW, NULL, NULL, NULL,
	    false, NULL, AUTH_PERMERROR, DKIM_R_LENGTH_EXCEEDS },
	{ "l=0", "rsa", DKIM_ALG_RSA_SHA256, CANON_SIMPLE, CANON_SIMPLE, HDRS,
	    NULL, NULL, 0, -1, NOW, "lost", "won", NULL, false, NULL, OK },
	{ "x= in the future", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, "t=1751360000", NULL, -1, NOW + 1, NOW, NULL,
	    NULL, NULL, false, NULL, OK },
	{ "x= in the past", "rsa", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, "t=1751360000", NULL, -1, NOW - 1, NOW, NULL,
	    NULL, NULL, false, NULL, AUTH_PERMERROR, DKIM_R_EXPIRED },
	{ "no key", "gone", DKIM_ALG_RSA_SHA256, CANON_RELAXED, CANON_RELAXED,
	    HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL, false, NULL,
	    AUTH_PERMERROR, DKIM_R_NO_KEY },
	{ "revoked key", "revoked", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, NULL, AUTH_PERMERROR, DKIM_R_KEY_REVOKED },
	{ "t=s key with i= subdomain", "strict", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, HDRS, "i=@sub.example.com", NULL, -1,
	    -1, NOW, NULL, NULL, NULL, false, NULL, AUTH_PERMERROR,
	    DKIM_R_KEY_STRICT },
	{ "t=s key with i= at d=", "strict", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, "i=joe@example.com", NULL, -1, -1, NOW, NULL,
	    NULL, NULL, false, NULL, OK },
	{ "key h=sha1 refuses rsa-sha256", "sha1only", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL,
	    NULL, NULL, false, NULL, AUTH_PERMERROR, DKIM_R_KEY_HASH },
	{ "ed25519 key for an rsa signature", "edasrsa", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL,
	    NULL, NULL, false, NULL, AUTH_PERMERROR, DKIM_R_KEY_ALG_MISMATCH },
	{ "rsa-sha1 is policy", "rsa", DKIM_ALG_RSA_SHA1, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, NULL, AUTH_POLICY, DKIM_R_RSA_SHA1 },
	{ "512-bit key is policy", "small", DKIM_ALG_RSA_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, NULL, AUTH_POLICY, DKIM_R_KEY_TOO_SMALL },
	{ "testing key still passes", "testing", DKIM_ALG_RSA_SHA256,
	    CANON_RELAXED, CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL,
	    NULL, NULL, false, NULL, OK },
	{ "empty body relaxed", "ed", DKIM_ALG_ED25519_SHA256, CANON_RELAXED,
	    CANON_RELAXED, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, "", OK },
	{ "empty body simple", "ed", DKIM_ALG_ED25519_SHA256, CANON_SIMPLE,
	    CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, NULL, NULL, NULL,
	    false, "", OK },
	{ "body without final newline gets one", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_SIMPLE, CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, NULL,
	    NULL, NULL, false, "no newline", OK },
	{ "trailing empty lines added later", "rsa", DKIM_ALG_RSA_SHA256,
	    CANON_SIMPLE, CANON_SIMPLE, HDRS, NULL, NULL, -1, -1, NOW, NULL,
	    NULL, "\r\n\r\n", false, NULL, OK },
};

/* sign_into builds the message of |tc| and prepends a signature made with
 * |key|; the result is malloc'd. */
static char *
build_message(const struct msg_case *tc, const char *body)
{
	const char *sep = strstr(base_msg, "\r\n\r\n");
	size_t head = (size_t)(sep - base_msg) + 4;
	size_t blen = strlen(body);
	char *text = malloc(head + blen + 1);
	assert_non_null(text);
	memcpy(text, base_msg, head);
	memcpy(text + head, body, blen + 1);
	(void)tc;
	return text;
}

static const struct privkey *
key_for(const char *sel, enum dkim_alg alg)
{
	if (strcmp(sel, "small") == 0) {
		return k_small;
	}
	return alg == DKIM_ALG_ED25519_SHA256 ? k_ed : k_rsa;
}

/* sign_bug, when set, makes sign() hash the body as a broken signer
 * would (dkim_sign_params.body_bug). */
static enum dkim_diag sign_bug;

static char *
sign(const struct msg_case *tc, const char *text)
{
	struct msg m;
	assert_int_equal(
	    msg_parse(&m, &arena, (const uint8_t *)text, strlen(text)), MSG_OK);
	struct dkim_sign_params p = {
		.key = key_for(tc->key, tc->alg),
		.alg = tc->alg,
		.hcanon = tc->hc,
		.bcanon = tc->bc,
		.d = S("example.com"),
		.s = span_make(tc->key, strlen(tc->key)),
		.h = span_make(tc->h, strlen(tc->h)),
		.extra = tc->extra != NULL
		    ? span_make(tc->extra, strlen(tc->extra))
		    : span_empty(),
		.has_l = tc->l >= 0,
		.l = tc->l >= 0 ? (uint64_t)tc->l : 0,
		.has_x = tc->x >= 0,
		.x = tc->x >= 0 ? (uint64_t)tc->x : 0,
		.c_text = tc->c_text != NULL
		    ? span_make(tc->c_text, strlen(tc->c_text))
		    : span_empty(),
		.body_bug = sign_bug,
	};
	struct span field;
	assert_true(dkim_sign(&field, &dg, &m, &p, &arena));
	size_t tlen = strlen(text);
	char *out = malloc(field.len + 2 + tlen + 1);
	assert_non_null(out);
	memcpy(out, field.p, field.len);
	memcpy(out + field.len, "\r\n", 2);
	memcpy(out + field.len + 2, text, tlen + 1);
	return out;
}

static char *
edit(char *text, const struct msg_case *tc)
{
	if (tc->find != NULL) {
		char *at = strstr(text, tc->find);
		assert_non_null(at);
		size_t flen = strlen(tc->find), rlen = strlen(tc->replace);
		size_t tlen = strlen(text);
		char *n = malloc(tlen - flen + rlen + 1);
		assert_non_null(n);
		size_t pre = (size_t)(at - text);
		memcpy(n, text, pre);
		memcpy(n + pre, tc->replace, rlen);
		memcpy(n + pre + rlen, at + flen, tlen - pre - flen + 1);
		free(text);
		text = n;
	}
	if (tc->append != NULL) {
		size_t tlen = strlen(text), alen = strlen(tc->append);
		char *n = realloc(text, tlen + alen + 1);
		assert_non_null(n);
		memcpy(n + tlen, tc->append, alen + 1);
		text = n;
	}
	if (tc->lf) {
		size_t o = 0;
		for (size_t i = 0; text[i] != '\0'; i++) {
			if (!(text[i] == '\r' && text[i + 1] == '\n')) {
				text[o++] = text[i];
			}
		}
		text[o] = '\0';
	}
	return text;
}

static void
verify_text(struct dkim_outcome *out, const char *text, size_t len, int64_t now)
{
	struct msg m;
	assert_int_equal(
	    msg_parse(&m, &arena, (const uint8_t *)text, len), MSG_OK);
	assert_true(dkim_verify(verifier, out, &m, &view, now, &arena));
}

static void
test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(msg_cases); i++) {
		const struct msg_case *tc = &msg_cases[i];
		print_message("case: %s\n", tc->name);
		arena_reset(&arena);
		const char *body = tc->body != NULL
		    ? tc->body
		    : strstr(base_msg, "\r\n\r\n") + 4;
		char *text = build_message(tc, body);
		char *signed_text = edit(sign(tc, text), tc);
		struct dkim_outcome out;
		verify_text(&out, signed_text, strlen(signed_text), tc->now);
		assert_int_equal(out.num_sigs, 1);
		const struct dkim_result *r = &out.sigs[0];
		assert_string_equal(
		    dkim_reason_code(r->reason), dkim_reason_code(tc->why));
		assert_string_equal(
		    auth_verdict_str(r->verdict), auth_verdict_str(tc->want));
		if (tc->want == AUTH_POLICY) {
			/* The signature itself is sound. */
			assert_true(r->crypto_checked && r->crypto_ok);
		}
		if (strcmp(tc->key, "testing") == 0) {
			assert_true(r->testing);
		}
		free(text);
		free(signed_text);
	}
}

/* The famous empty-body hashes appear in the signatures made above. */
static void
test_empty_body_hashes(void **state)
{
	(void)state;
	static const struct {
		enum canon_mode bc;
		const char *bh;
	} cases[] = {
		{ CANON_RELAXED,
		    "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
		{ CANON_SIMPLE,
		    "bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct msg_case tc = msg_cases[0];
		tc.bc = cases[i].bc;
		arena_reset(&arena);
		char *text = build_message(&tc, "");
		char *signed_text = sign(&tc, text);
		assert_non_null(strstr(signed_text, cases[i].bh));
		free(text);
		free(signed_text);
	}
}

/* RFC 8463 Appendix A.3: both signatures verify. */
static void
test_rfc8463_example(void **state)
{
	(void)state;
	size_t len;
	char *msg = harness_read_file(
	    "tests/vectors/conformance/dkim-mimekit/rfc8463-example.msg", &len);
	assert_non_null(msg);
	static const char keys[] =
	    "brisbane._domainkey.football.example.com. IN TXT "
	    "\"v=DKIM1; k=ed25519; "
	    "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
	    "test._domainkey.football.example.com. IN TXT (\"v=DKIM1; k=rsa; "
	    "p="
	    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3id\"\n"
	    " \"Y6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/"
	    "B\"\n"
	    " \"C/e/"
	    "8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip\"\n"
	    " \"3G+2kryOTIKT+l/K4w3QIDAQAB\")\n";
	struct zone *z = zone_new();
	struct zone_error ze;
	assert_true(zone_add_text(z, S(keys), &ze));
	struct dns_view zv = zone_view(z);
	struct msg m;
	arena_reset(&arena);
	assert_int_equal(msg_parse(&m, &arena, (uint8_t *)msg, len), MSG_OK);
	struct dkim_outcome out;
	assert_true(dkim_verify(verifier, &out, &m, &zv, 1528637909, &arena));
	assert_int_equal(out.num_sigs, 2);
	assert_int_equal(out.sigs[0].verdict, AUTH_PASS);
	assert_int_equal(out.sigs[1].verdict, AUTH_PASS);
	assert_span_equal(out.sigs[0].a, "ed25519-sha256", 14);
	assert_int_equal(out.sigs[1].key_bits, 1024);
	zone_free(z);
	free(msg);
}

/* Signatures past DKIM_MAX_SIGS_EVALUATED are skipped; past
 * DKIM_MAX_SIGS_LISTED only counted. */
static void
test_signature_limits(void **state)
{
	(void)state;
	struct msg_case tc = msg_cases[3]; /* ed25519: fast to sign */
	size_t total = DKIM_MAX_SIGS_LISTED + 6;
	arena_reset(&arena);
	char *text = build_message(&tc, "body\r\n");
	for (size_t i = 0; i < total; i++) {
		char *n = sign(&tc, text);
		free(text);
		text = n;
	}
	struct dkim_outcome out;
	verify_text(&out, text, strlen(text), NOW);
	assert_int_equal(out.num_sigs, DKIM_MAX_SIGS_LISTED);
	assert_int_equal(out.num_unlisted, 6);
	for (size_t i = 0; i < out.num_sigs; i++) {
		if (i < DKIM_MAX_SIGS_EVALUATED) {
			assert_int_equal(out.sigs[i].verdict, AUTH_PASS);
		} else {
			assert_int_equal(out.sigs[i].verdict, AUTH_NEUTRAL);
			assert_int_equal(out.sigs[i].reason, DKIM_R_SKIPPED);
			assert_span_equal(out.sigs[i].d, "example.com", 11);
		}
	}
	free(text);
}

/* Several signatures with mixed canonicalizations over one body share
 * passes, and each keeps its own verdict. */
static void
test_mixed_signatures(void **state)
{
	(void)state;
	arena_reset(&arena);
	char *text = build_message(&msg_cases[0], "Body  text \r\n\r\n");
	for (size_t i = 0; i < 5; i++) {
		struct msg_case tc = msg_cases[i % 4];
		tc.l = i == 4 ? 4 : -1;
		char *n = sign(&tc, text);
		free(text);
		text = n;
	}
	struct dkim_outcome out;
	verify_text(&out, text, strlen(text), NOW);
	assert_int_equal(out.num_sigs, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(out.sigs[i].verdict, AUTH_PASS);
	}
	free(text);
}

/* Signatures over one body with one (canonicalization, hash) and many l=
 * values, including 0, the whole length, one past it and repeats: each is
 * judged right, and the body is hashed once, not once per l= (snapshots of
 * one running hash serve the lengths). */
static void
test_length_snapshots(void **state)
{
	(void)state;
	arena_reset(&arena);
	enum { LINES = 2000 };
	char *body = malloc(LINES * 40 + 1);
	assert_non_null(body);
	size_t n = 0;
	for (size_t i = 0; i < LINES; i++) {
		n += (size_t)sprintf(
		    body + n, "line %04zu of  the body\t \r\n", i);
	}
	char *text = build_message(&msg_cases[0], body);
	/* The canonical length, from a signature without l=. */
	char *probe = sign(&msg_cases[0], text);
	struct dkim_outcome out;
	verify_text(&out, probe, strlen(probe), NOW);
	assert_int_equal(out.sigs[0].verdict, AUTH_PASS);
	int64_t len = (int64_t)out.sigs[0].body_len;
	assert_true(len > 40000);
	free(probe);

	/* DKIM_MAX_SIGS_EVALUATED (10) signatures. */
	const int64_t ls[] = { -1, 0, 63, 4097, len / 2, len / 2, len - 1, len,
		len + 1, -1 };
	enum { NUM = sizeof(ls) / sizeof(ls[0]) };
	for (size_t i = 0; i < NUM; i++) {
		struct msg_case tc = msg_cases[0];
		tc.l = ls[i];
		char *next = sign(&tc, text);
		free(text);
		text = next;
	}
	verify_text(&out, text, strlen(text), NOW);
	assert_int_equal(out.num_sigs, NUM);
	for (size_t i = 0; i < NUM; i++) {
		/* Signatures are prepended: the last signed is first. */
		int64_t l = ls[NUM - 1 - i];
		const struct dkim_result *r = &out.sigs[i];
		if (l > len) {
			assert_int_equal(r->reason, DKIM_R_LENGTH_EXCEEDS);
		} else {
			assert_int_equal(r->verdict, AUTH_PASS);
		}
	}
	/* One pass of |len| bytes, plus header hashing (well under 64 KB for
	 * 10 signatures); one pass per l= would be over 5 * len. */
	uint64_t sha = out.hashed_bytes[DIGEST_SHA256];
	assert_true(sha >= (uint64_t)len && sha < (uint64_t)len + 65536);
	free(text);
	free(body);
}

/* Diagnosis (issue 7): a signature made by a broken signer, or broken
 * after signing in a known way, fails, and the record names the variant;
 * a signature broken any other way, or not broken, names none. */
struct diag_case {
	const char *name;
	enum canon_mode hc, bc;
	const char *body;
	enum dkim_diag bug; /* how the signer hashed the body */
	const char *find, *replace, *append; /* edits after signing */
	enum dkim_diag want;
	uint64_t bytes; /* for body-appended */
};

static const struct diag_case diag_cases[] = {
	{ "relaxed empty body hashed as CRLF", CANON_RELAXED, CANON_RELAXED, "",
	    DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF, NULL, NULL, NULL,
	    DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF, 0 },
	{ "relaxed whitespace-only body hashed as CRLF", CANON_RELAXED,
	    CANON_RELAXED, " \r\n\t\r\n\r\n", DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF,
	    NULL, NULL, NULL, DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF, 0 },
	{ "relaxed trailing blank lines kept", CANON_RELAXED, CANON_RELAXED,
	    "Hello\r\n\r\n \r\n\t\r\n", DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES,
	    NULL, NULL, NULL, DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES, 0 },
	{ "relaxed trailing whitespace kept", CANON_SIMPLE, CANON_RELAXED,
	    "Hello  \r\nwor  ld\t\r\n", DKIM_DIAG_TRAILING_WHITESPACE_KEPT,
	    NULL, NULL, NULL, DKIM_DIAG_TRAILING_WHITESPACE_KEPT, 0 },
	{ "relaxed hashed with LF", CANON_RELAXED, CANON_RELAXED,
	    "a  b\r\n\r\nc\r\n", DKIM_DIAG_LF_LINE_ENDINGS, NULL, NULL, NULL,
	    DKIM_DIAG_LF_LINE_ENDINGS, 0 },
	{ "simple hashed with LF", CANON_SIMPLE, CANON_SIMPLE,
	    "a  b\r\n\r\nc\r\n", DKIM_DIAG_LF_LINE_ENDINGS, NULL, NULL, NULL,
	    DKIM_DIAG_LF_LINE_ENDINGS, 0 },
	{ "simple trailing blank lines kept", CANON_SIMPLE, CANON_SIMPLE,
	    "a\r\n\r\n\r\n", DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES, NULL, NULL,
	    NULL, DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES, 0 },
	{ "list footer appended, relaxed", CANON_RELAXED, CANON_RELAXED,
	    "Hi.\r\nBye.\r\n", DKIM_DIAG_NONE, NULL, NULL,
	    "-- \r\nthe list  footer\r\n", DKIM_DIAG_BODY_APPENDED, 21 },
	{ "list footer appended, simple", CANON_SIMPLE, CANON_SIMPLE,
	    "Hi.\r\nBye.\r\n", DKIM_DIAG_NONE, NULL, NULL,
	    "-- \r\nthe list  footer\r\n", DKIM_DIAG_BODY_APPENDED, 23 },
	{ "subject tag added, relaxed", CANON_RELAXED, CANON_RELAXED, "Hi.\r\n",
	    DKIM_DIAG_NONE, "Subject: Is", "Subject: [list] Is", NULL,
	    DKIM_DIAG_SUBJECT_TAG_ADDED, 0 },
	{ "subject tag added, simple", CANON_SIMPLE, CANON_SIMPLE, "Hi.\r\n",
	    DKIM_DIAG_NONE, "Subject: Is", "Subject: [list] Is", NULL,
	    DKIM_DIAG_SUBJECT_TAG_ADDED, 0 },
	{ "signed field added below the signed one", CANON_RELAXED,
	    CANON_RELAXED, "Hi.\r\n", DKIM_DIAG_NONE, "Date: Tue",
	    "To: Mallory <m@example.org>\r\nDate: Tue", NULL,
	    DKIM_DIAG_HEADER_ADDED, 0 },
	/* No claim without an exact match. */
	{ "sound signature", CANON_RELAXED, CANON_RELAXED, "Hi.\r\n",
	    DKIM_DIAG_NONE, NULL, NULL, NULL, DKIM_DIAG_NONE, 0 },
	{ "body byte changed", CANON_RELAXED, CANON_RELAXED,
	    "Hello\r\n\r\n \r\n", DKIM_DIAG_NONE, "Hello", "Jello", NULL,
	    DKIM_DIAG_NONE, 0 },
	{ "body changed and a footer appended", CANON_RELAXED, CANON_RELAXED,
	    "Hi.\r\nBye.\r\n", DKIM_DIAG_NONE, "Bye.", "Bye!",
	    "-- \r\nfooter\r\n", DKIM_DIAG_NONE, 0 },
	{ "a line removed at the end", CANON_RELAXED, CANON_RELAXED,
	    "Hi.\r\nBye.\r\n", DKIM_DIAG_NONE, "Bye.\r\n", "", NULL,
	    DKIM_DIAG_NONE, 0 },
	{ "subject changed, not tagged", CANON_RELAXED, CANON_RELAXED,
	    "Hi.\r\n", DKIM_DIAG_NONE, "Subject: Is", "Subject: [list] Was",
	    NULL, DKIM_DIAG_NONE, 0 },
	{ "broken signer and a changed body", CANON_RELAXED, CANON_RELAXED,
	    "Hello\r\n\r\n", DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES, "Hello",
	    "Jello", NULL, DKIM_DIAG_NONE, 0 },
};

static void
test_diagnosis(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(diag_cases); i++) {
		const struct diag_case *dc = &diag_cases[i];
		print_message("case: %s\n", dc->name);
		arena_reset(&arena);
		struct msg_case tc = msg_cases[0];
		tc.hc = dc->hc;
		tc.bc = dc->bc;
		tc.find = dc->find;
		tc.replace = dc->replace;
		tc.append = dc->append;
		char *text = build_message(&tc, dc->body);
		sign_bug = dc->bug;
		char *signed_text = edit(sign(&tc, text), &tc);
		sign_bug = DKIM_DIAG_NONE;
		struct dkim_outcome out;
		verify_text(&out, signed_text, strlen(signed_text), tc.now);
		assert_int_equal(out.num_sigs, 1);
		const struct dkim_result *r = &out.sigs[0];
		bool broken = dc->bug != DKIM_DIAG_NONE || dc->find != NULL ||
		    dc->append != NULL;
		assert_int_equal(r->verdict, broken ? AUTH_FAIL : AUTH_PASS);
		assert_string_equal(
		    dkim_diag_code(r->diag), dkim_diag_code(dc->want));
		if (dc->want == DKIM_DIAG_BODY_APPENDED) {
			assert_int_equal(r->diag_bytes, dc->bytes);
		}
		free(text);
		free(signed_text);
	}
	/* Every code has a text, and the codes are distinct. */
	for (int d = 1; d < DKIM_DIAG_COUNT; d++) {
		assert_true(strlen(dkim_diag_code((enum dkim_diag)d)) > 0);
		assert_true(strlen(dkim_diag_text((enum dkim_diag)d)) > 0);
		for (int e = 1; e < d; e++) {
			assert_string_not_equal(
			    dkim_diag_code((enum dkim_diag)d),
			    dkim_diag_code((enum dkim_diag)e));
		}
	}
}

/* Allocation failure at every point gives a clean false or an internal
 * error, never a crash or a wrong verdict. */
static void
test_out_of_memory(void **state)
{
	(void)state;
	arena_reset(&arena);
	char *text = build_message(&msg_cases[0], "x\r\n");
	char *signed_text = sign(&msg_cases[0], text);
	size_t len = strlen(signed_text);
	bool completed = false;
	for (size_t n = 1; n < 200 && !completed; n++) {
		arena_reset(&arena);
		struct msg m;
		arena_fail_after(&arena, n);
		if (msg_parse(&m, &arena, (uint8_t *)signed_text, len) !=
		    MSG_OK) {
			continue;
		}
		struct dkim_outcome out;
		if (!dkim_verify(verifier, &out, &m, &view, NOW, &arena)) {
			continue;
		}
		assert_int_equal(out.num_sigs, 1);
		enum auth_verdict v = out.sigs[0].verdict;
		assert_true(v == AUTH_PASS || v == AUTH_TEMPERROR);
		completed = v == AUTH_PASS;
	}
	arena_fail_after(&arena, 0);
	assert_true(completed);
	free(text);
	free(signed_text);
}

/* ---- set-up ---------------------------------------------------------------- */

static void
public_b64(const struct privkey *k, char *out)
{
	uint8_t der[2048];
	size_t n;
	assert_true(privkey_public_der(k, der, sizeof(der), &n));
	out[b64_encode(out, der, n)] = '\0';
}

static int
setup(void **state)
{
	(void)state;
	if (!crypto_init() || !digest_init(&dg)) {
		return -1;
	}
	arena_init(&arena, 1 << 16);
	verifier = dkim_verifier_new();
	if (!privkey_generate(&k_rsa, PUBKEY_RSA, 2048) ||
	    !privkey_generate(&k_ed, PUBKEY_ED25519, 0) ||
	    !privkey_generate(&k_small, PUBKEY_RSA, 512)) {
		return -1;
	}
	public_b64(k_rsa, rsa_p);
	public_b64(k_ed, ed_p);
	public_b64(k_small, small_p);
	/* Each record as quoted strings of at most 200 bytes (RFC 1035 caps a
	 * character-string at 255). */
	static const struct {
		const char *sel;
		const char *head;
		const char *p;
	} recs[] = {
		{ "rsa", "v=DKIM1; k=rsa; p=", rsa_p },
		{ "ed", "v=DKIM1; k=ed25519; p=", ed_p },
		{ "small", "v=DKIM1; p=", small_p },
		{ "revoked", "v=DKIM1; p=", "" },
		{ "strict", "v=DKIM1; t=s; p=", rsa_p },
		{ "sha1only", "v=DKIM1; h=sha1; p=", rsa_p },
		{ "edasrsa", "v=DKIM1; k=ed25519; p=", ed_p },
		{ "testing", "v=DKIM1; t=y; p=", rsa_p },
	};
	char text[8192];
	size_t n = (size_t)snprintf(
	    text, sizeof(text), "$ORIGIN _domainkey.example.com.\n");
	for (size_t i = 0; i < ARRAY_LEN(recs); i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%s TXT ( \"%s\"", recs[i].sel, recs[i].head);
		for (size_t off = 0; off < strlen(recs[i].p); off += 200) {
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    " \"%.200s\"", recs[i].p + off);
		}
		n += (size_t)snprintf(text + n, sizeof(text) - n, " )\n");
	}
	zone = zone_new();
	struct zone_error ze;
	if (zone == NULL ||
	    !zone_add_text(zone, span_make(text, strlen(text)), &ze)) {
		return -1;
	}
	view = zone_view(zone);
	return verifier == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	zone_free(zone);
	privkey_free(k_rsa);
	privkey_free(k_ed);
	privkey_free(k_small);
	dkim_verifier_free(verifier);
	digest_cleanup(&dg);
	arena_cleanup(&arena);
	crypto_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sig_rules),
		cmocka_unit_test(test_sig_values),
		cmocka_unit_test(test_key_name),
		cmocka_unit_test(test_key_rules),
		cmocka_unit_test(test_key_ed25519_and_nul),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_empty_body_hashes),
		cmocka_unit_test(test_rfc8463_example),
		cmocka_unit_test(test_signature_limits),
		cmocka_unit_test(test_mixed_signatures),
		cmocka_unit_test(test_length_snapshots),
		cmocka_unit_test(test_diagnosis),
		cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
