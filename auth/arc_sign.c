/*
 * arc_sign.c - adding an ARC set (RFC 8617 §5.1), for the corpus tools and
 * the tests.  The AMS is made by dkim_sign, the seal's input by the same
 * code the verifier hashes with (arc__seal_hash).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth/arc.h"
#include "auth/internal.h"
#include "crypto/b64.h"
#include "crypto/sign.h"

/* ARC_SIGN_HEAD_MAX bounds the tags written before b= and the AAR. */
#define ARC_SIGN_HEAD_MAX 1024

static struct span
join(struct arena *a, struct span x, struct span y)
{
	uint8_t *p = arena_alloc(a, x.len + y.len + 1);
	if (p == NULL) {
		return span_empty();
	}
	memcpy(p, x.p, x.len);
	memcpy(p + x.len, y.p, y.len);
	return span_make(p, x.len + y.len);
}

static struct span print(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct span
print(struct arena *a, const char *fmt, ...)
{
	char *p = arena_alloc(a, ARC_SIGN_HEAD_MAX);
	if (p == NULL) {
		return span_empty();
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p, ARC_SIGN_HEAD_MAX, fmt, ap);
	va_end(ap);
	return n > 0 && n < ARC_SIGN_HEAD_MAX ? span_make(p, (size_t)n)
	                                      : span_empty();
}

bool
arc_seal(struct span *out, struct digest *d, struct span text,
    const struct arc_seal_params *p, struct arena *a)
{
	const char *alg =
	    p->alg == DKIM_ALG_ED25519_SHA256 ? "ed25519-sha256" : "rsa-sha256";
	struct span aar =
	    print(a, "ARC-Authentication-Results: i=%u; %.*s; %.*s\r\n", p->i,
	        (int)p->authserv_id.len, (const char *)p->authserv_id.p,
	        (int)p->results.len, (const char *)p->results.p);
	struct span t1 = join(a, aar, text);
	struct msg m1;
	if (aar.len == 0 || t1.len == 0 ||
	    msg_parse(&m1, a, t1.p, t1.len) != MSG_OK) {
		return false;
	}
	struct span head = print(a, "ARC-Message-Signature: i=%u; ", p->i);
	struct dkim_sign_params sp = {
		.key = p->key,
		.alg = p->alg,
		.hcanon = CANON_RELAXED,
		.bcanon = CANON_RELAXED,
		.d = p->d,
		.s = p->s,
		.h = p->h,
		.has_t = true,
		.t = p->t,
		.head = head,
	};
	struct span ams;
	if (head.len == 0 || !dkim_sign(&ams, d, &m1, &sp, a)) {
		return false;
	}
	ams = join(a, ams, SPAN_LIT("\r\n"));
	struct span t2 = join(a, ams, t1);
	struct span as = print(a,
	    "ARC-Seal: i=%u; a=%s; t=%llu; cv=%s; d=%.*s; s=%.*s; b=", p->i,
	    alg, (unsigned long long)p->t, p->i == 1 ? "none" : "pass",
	    (int)p->d.len, (const char *)p->d.p, (int)p->s.len,
	    (const char *)p->s.p);
	struct span t3 = join(a, join(a, as, SPAN_LIT("\r\n")), t2);
	struct msg m3;
	uint8_t hh[DIGEST_MAX_BYTES];
	size_t hh_len;
	enum digest_alg hash;
	if (as.len == 0 || t3.len == 0 ||
	    msg_parse(&m3, a, t3.p, t3.len) != MSG_OK ||
	    !arc__seal_hash(d, &m3, p->i, a, hh, &hh_len, &hash)) {
		return false;
	}
	uint8_t sig[SIG_MAX_BYTES];
	size_t sig_len;
	if (!dkim__sign_digest(
	        p->key, p->alg, hash, span_make(hh, hh_len), sig, &sig_len)) {
		return false;
	}
	char *b64 = arena_alloc(a, b64_encoded_len(sig_len) + 3);
	if (b64 == NULL) {
		return false;
	}
	size_t n = b64_encode(b64, sig, sig_len);
	memcpy(b64 + n, "\r\n", 2);
	struct span seal = join(a, as, span_make(b64, n + 2));
	*out = join(a, join(a, seal, ams), aar);
	return out->len > 0;
}
