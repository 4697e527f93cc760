/*
 * run_vectors.c - DKIM conformance data from other projects, run through
 * authsweep's verifier.
 *
 * Suites (tests/vectors/conformance/, each with its upstream licence):
 *   mail-dkim  Mail::DKIM's corpus; expectations are per message ("best
 *              result over all signatures") plus per signature for
 *              multiple_2.txt;
 *   dkimpy     dkimpy's pre-signed messages, per signature, plus its
 *              corrupted-key variant;
 *   mimekit    real Gmail messages and the RFC 8463 example;
 *   stalwart   Stalwart's DKIM files and the DKIM signatures of its ARC
 *              files, per signature.
 *
 * Every case is compared with the suite's expectation.  Where authsweep
 * deliberately differs, the case is listed in `deviations` below with what
 * authsweep says and the rule behind it.  The run fails on any difference
 * that is not listed, and on any listed deviation that no longer happens,
 * so the list cannot go stale.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "canon/arena.h"
#include "crypto/digest.h"
#include "tests/vectors/vectors.h"

/* Evaluation times.  The suites' signatures carry no x= except where noted,
 * so any fixed time works; these are the suites' own. */
#define TIME_DEFAULT 1700000000  /* 2023-11-14 */
#define TIME_STALWART 1667843664 /* Stalwart's dkim_verify test time */

struct deviation {
	const char *suite;
	const char *file;
	int idx;          /* signature index, or -1 for a message verdict */
	const char *ours; /* what authsweep says, as vec_render writes it */
	const char *why;
	bool seen;
};

#define SHA1 "rsa-sha1: RFC 8301 §3.1, verifiers MUST NOT accept rsa-sha1"
#define SMALLKEY                                                               \
	"RSA key under 1024 bits: RFC 8301 §3.2, MUST NOT be considered "     \
	"valid"
#define NOV                                                                    \
	"no v= tag: pre-RFC draft signature; RFC 6376 §3.5 makes v= REQUIRED"
#define V05 "v=0.5: pre-RFC draft signature; RFC 6376 §3.5 requires v=1"
#define V05R                                                                   \
	"v=0.5 (pre-RFC draft) is rejected before the rule this case tests; "  \
	"tests/unit/test_dkim.c covers that rule"
#define DK "DomainKeys (RFC 4870) only, no DKIM-Signature: out of scope"
#define GTAG                                                                   \
	"key g= exists only in RFC 4871 and is ignored (RFC 6376 removed "     \
	"it); the rsa-sha1 signature then meets RFC 8301 §3.1"

static struct deviation deviations[] = {
	{ "mail-dkim", "good_ietf00_1.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "good_ietf00_2.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "good_ietf00_3.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "good_ietf00_4.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "good_ietf00_5.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "mine_ietf01_1.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "mine_ietf01_2.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "mine_ietf01_3.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "mine_ietf01_4.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "mine_ietf05_1.txt", -1, "invalid/version", V05, false },
	{ "mail-dkim", "good_ietf01_1.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "good_ietf01_2.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "good_rfc4871_3.txt", -1, "policy/sha1+pass", SHA1,
	    false },
	{ "mail-dkim", "good_rfc4871_4.txt", -1, "policy/sha1+pass", SHA1,
	    false },
	{ "mail-dkim", "good_1878523.txt", -1, "policy/sha1+pass", SHA1,
	    false },
	{ "mail-dkim", "good_83176.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "multiple_1.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "multiple_2.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "multiple_2.txt", 1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "multiple_2.txt", 2, "policy/sha1+fail", SHA1, false },
	{ "mail-dkim", "good_qp_1.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "good_qp_2.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "good_qp_3.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "bad_ietf01_1.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "bad_ietf01_2.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "bad_ietf01_3.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "bad_1.txt", -1, "invalid/missing", NOV, false },
	{ "mail-dkim", "bad_1878954.txt", -1, "policy/sha1+fail", SHA1, false },
	{ "mail-dkim", "good_dk_gmail.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_yahoo.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_1.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_2.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_3.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_4.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_5.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_6.txt", -1, "none", DK, false },
	{ "mail-dkim", "good_dk_7.txt", -1, "none", DK, false },
	{ "mail-dkim", "dk_headers_1.txt", -1, "none", DK, false },
	{ "mail-dkim", "dk_headers_2.txt", -1, "none", DK, false },
	{ "mail-dkim", "bad_dk_1.txt", -1, "none", DK, false },
	{ "mail-dkim", "bad_dk_2.txt", -1, "none", DK, false },
	{ "mail-dkim", "bad_dk_3.txt", -1, "none", DK, false },
	{ "mail-dkim", "bad_dk_4.txt", -1, "none", DK, false },
	{ "mail-dkim", "bad_dk_5.txt", -1, "none", DK, false },
	{ "mail-dkim", "dk_multiple_1.txt", -1, "none", DK, false },
	{ "mail-dkim", "no_body_1.txt", -1, "invalid/version", V05, false },
	{ "mail-dkim", "no_body_2.txt", -1, "invalid/version", V05, false },
	{ "mail-dkim", "no_body_3.txt", -1, "invalid/version", V05, false },
	{ "mail-dkim", "goodkey_1.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "goodkey_2.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "goodkey_3.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "goodkey_4.txt", -1, "policy/sha1+pass", SHA1, false },
	{ "mail-dkim", "badkey_8.txt", -1, "policy/sha1+pass", GTAG, false },
	{ "mail-dkim", "badkey_9.txt", -1, "policy/sha1+pass", GTAG, false },
	{ "mail-dkim", "badkey_12.txt", -1, "policy/sha1+pass", GTAG, false },
	{ "mail-dkim", "badkey_13.txt", -1, "policy/sha1+pass", GTAG, false },
	{ "mail-dkim", "ignore_2.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "ignore_3.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "ignore_4.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_1.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_2.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_3.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_4.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_5.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_6.txt", -1, "invalid/version", V05R, false },
	{ "mail-dkim", "badkey_7.txt", -1, "invalid/version", V05R, false },
	{ NULL, NULL, 0, NULL, NULL, false },
};

/* For Mail::DKIM's "invalid" cases, the reason each case is about (from
 * its note in expected.tsv): agreeing on "invalid" for another reason does
 * not count as agreement. */
static const struct {
	const char *file;
	const char *code;
} md_reasons[] = {
	{ "ignore_1.txt", "version" },
	{ "ignore_2.txt", "alg" },
	{ "ignore_3.txt", "alg" },
	{ "ignore_4.txt", "canon" },
	{ "ignore_5.txt", "q" },
	{ "ignore_6.txt", "q" },
	{ "ignore_7.txt", "expired" },
	{ "ignore_8.txt", "i-domain" },
	{ "badkey_1.txt", "nokey" },
	{ "badkey_2.txt", "revoked" },
	{ "badkey_3.txt", "key-version" },
	{ "badkey_4.txt", "key-syntax" },
	{ "badkey_5.txt", "key-type" },
	{ "badkey_6.txt", "key-service" },
	{ "badkey_7.txt", "key-hash" },
	{ "badkey_10.txt", "key-strict" },
	{ "badkey_11.txt", "key-hash" },
	{ "badkey_14.txt", "dns" },
	{ "badkey_15.txt", "dns" },
	{ "badkey1_ed25519.txt", "key-decode" },
	{ "badkey4_ed25519.txt", "nokey" },
	{ "badkey5_ed25519.txt", "key-syntax" },
};

static const char *
md_reason(const char *file)
{
	for (size_t i = 0; i < sizeof(md_reasons) / sizeof(md_reasons[0]);
	     i++) {
		if (strcmp(md_reasons[i].file, file) == 0) {
			return md_reasons[i].code;
		}
	}
	return NULL;
}

static size_t num_match, num_documented, num_mismatch;

static struct deviation *
find_deviation(const char *suite, const char *file, int idx)
{
	for (size_t i = 0; deviations[i].suite != NULL; i++) {
		struct deviation *d = &deviations[i];
		if (strcmp(d->suite, suite) == 0 &&
		    strcmp(d->file, file) == 0 && d->idx == idx) {
			return d;
		}
	}
	return NULL;
}

/* judge compares one case and prints a line for it. */
static void
judge(const char *suite, const char *file, int idx, const char *theirs,
    const char *ours, bool same)
{
	struct deviation *d = find_deviation(suite, file, idx);
	const char *verdict;
	if (same && d == NULL) {
		verdict = "ok";
		num_match++;
	} else if (same) {
		verdict = "STALE DEVIATION (now agrees)";
		num_mismatch++;
	} else if (d != NULL && strcmp(d->ours, ours) == 0) {
		verdict = d->why;
		d->seen = true;
		num_documented++;
	} else {
		verdict = d != NULL
		    ? "MISMATCH (deviation lists another result)"
		    : "MISMATCH";
		num_mismatch++;
	}
	printf("  %-9s %-34s %3d  %-9s %-24s %s\n", suite, file, idx, theirs,
	    ours, verdict);
}

static struct dkim_verifier *verifier;
static struct arena arena;

static char *
read_vec(const char *path, size_t *len)
{
	char *p = harness_read_file(path, len);
	if (p == NULL) {
		fail_msg("cannot read %s", path);
	}
	return p;
}

/* ---- mail-dkim ----------------------------------------------------------- */

/* md_word maps one result to Mail::DKIM's vocabulary; policy has no
 * equivalent there and is rendered in full. */
static const char *
md_word(char *buf, size_t cap, const struct dkim_result *r)
{
	switch (r->verdict) {
	case AUTH_PASS:
		return "pass";
	case AUTH_FAIL:
		return "fail";
	case AUTH_POLICY:
		return vec_render(buf, cap, r);
	default:
		snprintf(buf, cap, "invalid/%s", dkim_reason_code(r->reason));
		return buf;
	}
}

/* md_same compares a Mail::DKIM word with md_word's: "invalid" stands for
 * "invalid/<code>", with the code the case is about when it is known. */
static bool
md_same(const char *file, const char *theirs, const char *ours)
{
	if (strcmp(theirs, "invalid") == 0) {
		const char *code = md_reason(file);
		return strncmp(ours, "invalid/", 8) == 0 &&
		    (code == NULL || strcmp(ours + 8, code) == 0);
	}
	return strcmp(theirs, ours) == 0;
}

/* md_best is Mail::DKIM's message result: the best over all signatures. */
static const char *
md_best(char *buf, size_t cap, const struct dkim_outcome *o)
{
	static const enum auth_verdict rank[] = { AUTH_PASS, AUTH_FAIL,
		AUTH_POLICY };
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < o->num_sigs; i++) {
			if (o->sigs[i].verdict == rank[k]) {
				return md_word(buf, cap, &o->sigs[i]);
			}
		}
	}
	return o->num_sigs > 0 ? md_word(buf, cap, &o->sigs[0]) : "none";
}

static void
test_mail_dkim(void **state)
{
	(void)state;
	size_t len;
	char *dns_text = read_vec(VEC_DIR "/dkim-mail-dkim/FAKE_DNS.dat", &len);
	struct vec_dns dns;
	vec_dns_init(&dns);
	assert_true(vec_dns_add_lines(&dns, span_make(dns_text, len)));
	char *tsv = read_vec(VEC_DIR "/dkim-mail-dkim/expected.tsv", &len);
	struct vec_tsv t = { span_make(tsv, len) };
	struct span f[8];
	size_t nf;
	while (vec_tsv_next(&t, f, 8, &nf)) {
		char file[128], theirs[32], path[512], buf[64];
		vec_span_str(file, sizeof(file), f[0]);
		vec_span_str(theirs, sizeof(theirs), f[2]);
		snprintf(path, sizeof(path),
		    VEC_DIR "/dkim-mail-dkim/corpus/%s", file);
		size_t mlen;
		char *m = read_vec(path, &mlen);
		struct vec_result r;
		vec_verify(&r, verifier, &arena, &dns.view, (uint8_t *)m, mlen,
		    TIME_DEFAULT);
		assert_true(r.parsed);
		const char *ours = md_best(buf, sizeof(buf), &r.out);
		judge("mail-dkim", file, -1, theirs, ours,
		    md_same(file, theirs, ours));
		if (strcmp(file, "multiple_2.txt") == 0) {
			/* Per signature: invalid (c=foobar), pass, fail; the
			 * 4th field is unparsable and not asserted upstream. */
			static const char *const per_sig[] = { "invalid",
				"pass", "fail", "invalid" };
			assert_int_equal(r.out.num_sigs, 4);
			for (int i = 0; i < 4; i++) {
				const char *w =
				    md_word(buf, sizeof(buf), &r.out.sigs[i]);
				judge("mail-dkim", file, i, per_sig[i], w,
				    md_same("", per_sig[i], w));
			}
		}
		free(m);
	}
	free(tsv);
	free(dns_text);
	vec_dns_cleanup(&dns);
}

/* ---- per-signature suites -------------------------------------------------- */

/* per_sig compares signature |idx| of a message with |theirs|, which is
 * "pass", "permerror", "no-key" or "fail/<code>". */
static void
per_sig(const char *suite, const char *file, int idx, const char *theirs,
    const struct vec_result *r)
{
	char buf[64];
	if (!r->parsed || (size_t)idx >= r->out.num_sigs) {
		judge(suite, file, idx, theirs, "missing", false);
		return;
	}
	const struct dkim_result *s = &r->out.sigs[idx];
	const char *ours = vec_render(buf, sizeof(buf), s);
	bool same;
	if (strcmp(theirs, "no-key") == 0) {
		same =
		    s->verdict == AUTH_PERMERROR && s->reason == DKIM_R_NO_KEY;
	} else if (strcmp(theirs, "permerror") == 0) {
		same = s->verdict == AUTH_PERMERROR;
	} else {
		same = strcmp(theirs, ours) == 0;
	}
	judge(suite, file, idx, theirs, ours, same);
}

static void
run_tsv_suite(
    const char *suite, const char *dir, const char *dns_file, int64_t now)
{
	size_t len;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, dns_file);
	char *dns_text = read_vec(path, &len);
	struct vec_dns dns;
	vec_dns_init(&dns);
	assert_true(vec_dns_add_lines(&dns, span_make(dns_text, len)));
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	char *tsv = read_vec(path, &len);
	struct vec_tsv t = { span_make(tsv, len) };
	struct span f[8];
	size_t nf;
	while (vec_tsv_next(&t, f, 8, &nf)) {
		char file[128], idx[8], theirs[32];
		vec_span_str(file, sizeof(file), f[0]);
		vec_span_str(idx, sizeof(idx), f[1]);
		vec_span_str(theirs, sizeof(theirs), f[5]);
		snprintf(path, sizeof(path), "%s/%s%s", dir,
		    strcmp(suite, "dkimpy") == 0 ? "data/" : "", file);
		size_t mlen;
		char *m = read_vec(path, &mlen);
		struct vec_result r;
		vec_verify(
		    &r, verifier, &arena, &dns.view, (uint8_t *)m, mlen, now);
		per_sig(suite, file, atoi(idx), theirs, &r);
		free(m);
	}
	free(tsv);
	free(dns_text);
	vec_dns_cleanup(&dns);
}

static void
test_dkimpy(void **state)
{
	(void)state;
	run_tsv_suite(
	    "dkimpy", VEC_DIR "/dkim-dkimpy", "dns.txt", TIME_DEFAULT);

	/* test_catch_bad_key: with the corrupted key of dns-variants.txt the
	 * RSA signature of rfc6376.signed.rsa.msg must not verify. */
	static const char bad_key[] =
	    "test._domainkey.football.example.com k=rsa; "
	    "p=MFwwDQYJKoZIhvNAQEBBQADSwAwSAJBANmBe10IgY+"
	    "u7h3enWTukkqtUD5PR52Tb/"
	    "mPfjC0QJTocVBq6Za/PlzfV+Py92VaCak19F4WrbVTK5Gg5tWMCAwEAAQ==\n";
	struct vec_dns dns;
	vec_dns_init(&dns);
	assert_true(vec_dns_add_lines(&dns, S(bad_key)));
	size_t mlen;
	char *m =
	    read_vec(VEC_DIR "/dkim-dkimpy/data/rfc6376.signed.rsa.msg", &mlen);
	struct vec_result r;
	vec_verify(
	    &r, verifier, &arena, &dns.view, (uint8_t *)m, mlen, TIME_DEFAULT);
	assert_true(r.parsed && r.out.num_sigs == 1);
	char buf[64];
	const char *ours = vec_render(buf, sizeof(buf), &r.out.sigs[0]);
	judge("dkimpy", "rfc6376.signed.rsa.msg+badkey", 0, "not-pass", ours,
	    r.out.sigs[0].verdict != AUTH_PASS);
	free(m);
	vec_dns_cleanup(&dns);
}

static void
test_mimekit(void **state)
{
	(void)state;
	run_tsv_suite(
	    "mimekit", VEC_DIR "/dkim-mimekit", "dns.txt", TIME_DEFAULT);
}

/* Stalwart's files are "<dns lines>\n\n<message>". */
static void
test_stalwart(void **state)
{
	(void)state;
	size_t len;
	char *tsv = read_vec(VEC_DIR "/stalwart-mail-auth/expected.tsv", &len);
	struct vec_tsv t = { span_make(tsv, len) };
	struct span f[8];
	size_t nf;
	while (vec_tsv_next(&t, f, 8, &nf)) {
		char file[128], path[512];
		vec_span_str(file, sizeof(file), f[0]);
		snprintf(
		    path, sizeof(path), VEC_DIR "/stalwart-mail-auth/%s", file);
		size_t flen;
		char *text = read_vec(path, &flen);
		char *sep = strstr(text, "\n\n");
		assert_non_null(sep);
		struct vec_dns dns;
		vec_dns_init(&dns);
		assert_true(vec_dns_add_lines(
		    &dns, span_make(text, (size_t)(sep - text))));
		const char *msg = sep + 2;
		struct vec_result r;
		vec_verify(&r, verifier, &arena, &dns.view,
		    (const uint8_t *)msg, flen - (size_t)(msg - text),
		    TIME_STALWART);
		/* per_signature: "pass,pass", "pass@T", "fail(body hash)". */
		struct span list = f[2];
		for (int idx = 0; list.len > 0; idx++) {
			size_t comma = span_find(list, ',');
			struct span tok = span_sub(list, 0, comma);
			(void)span_skip(
			    &list, comma == list.len ? comma : comma + 1);
			char theirs[32];
			if (span_eq(tok, SPAN_LIT("fail(body hash)"))) {
				snprintf(theirs, sizeof(theirs), "fail/bh");
			} else {
				tok.len = span_find(tok, '@');
				vec_span_str(theirs, sizeof(theirs), tok);
			}
			per_sig("stalwart", file, idx, theirs, &r);
		}
		vec_dns_cleanup(&dns);
		free(text);
	}
	free(tsv);
}

static void
test_summary(void **state)
{
	(void)state;
	for (size_t i = 0; deviations[i].suite != NULL; i++) {
		if (!deviations[i].seen) {
			printf("  deviation never seen: %s %s %d\n",
			    deviations[i].suite, deviations[i].file,
			    deviations[i].idx);
			num_mismatch++;
		}
	}
	printf("conformance: %zu agree, %zu documented deviations, "
	       "%zu mismatches\n",
	    num_match, num_documented, num_mismatch);
	assert_int_equal(num_mismatch, 0);
}

static int
setup(void **state)
{
	(void)state;
	if (!crypto_init()) {
		return -1;
	}
	verifier = dkim_verifier_new();
	arena_init(&arena, 1 << 20);
	return verifier == NULL ? -1 : 0;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail_dkim),
		cmocka_unit_test(test_dkimpy),
		cmocka_unit_test(test_mimekit),
		cmocka_unit_test(test_stalwart),
		cmocka_unit_test(test_summary),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
