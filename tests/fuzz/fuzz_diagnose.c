/*
 * fuzz_diagnose.c - the body-hash diagnosis on arbitrary bodies.
 *
 * The first input byte picks the body canonicalization, the hash and the
 * variant a broken signer used; the rest is the body.  The signer's bh= is
 * the hash of the body under that variant.  When it differs from the
 * correct hash (so a verifier would fail the signature), the diagnosis
 * must name a variant, and the hash under the variant it names must be
 * bh= (several variants may give the same bytes; any of them is right).
 * A bh= that is no variant's hash (the correct one with a bit flipped)
 * must get no body variant; at most body-appended, when that really
 * matches a prefix, which the same check then confirms.  And the LF
 * variant, computed from the fast canonicalizer's output, must hash as
 * the canonical body with each CRLF turned into LF by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/dkim.h"
#include "auth/internal.h"
#include "canon/bodycanon.h"
#include "crypto/digest.h"
#include "tests/fuzz/fuzz.h"

static struct digest run, snap, check;
static bool ready;

/* prefix_hash hashes the first |n| canonical bytes of |body|. */
static bool
prefix_hash(const struct dkim_sig *sig, struct span body, uint64_t n,
    uint8_t *out, size_t *out_len)
{
	return dkim_hash_body_variant(&check, DKIM_DIAG_NONE, sig->hash,
	    sig->bcanon, n, body, out, out_len);
}

FUZZ_TARGET(diagnose)
{
	if (!ready) {
		FUZZ_CHECK(crypto_init() && digest_init(&run) &&
		    digest_init(&snap) && digest_init(&check));
		ready = true;
	}
	if (size < 1) {
		return 0;
	}
	uint8_t ctl = data[0];
	struct span body = span_make(data + 1, size - 1);
	struct dkim_sig sig;
	memset(&sig, 0, sizeof(sig));
	sig.bcanon = (ctl & 1) ? CANON_RELAXED : CANON_SIMPLE;
	sig.hash = (ctl & 2) ? DIGEST_SHA1 : DIGEST_SHA256;
	enum dkim_diag bug =
	    (enum dkim_diag)(1 + (ctl >> 2) % (DKIM_DIAG_BODY_APPENDED - 1));

	uint8_t good[DIGEST_MAX_BYTES];
	size_t good_len;
	uint64_t canon_len;
	FUZZ_CHECK(dkim_hash_body(&check, sig.hash, sig.bcanon, UINT64_MAX,
	    body, good, &good_len, &canon_len));

	uint64_t bytes, hashed = 0;
	if (dkim_hash_body_variant(&check, bug, sig.hash, sig.bcanon,
	        UINT64_MAX, body, sig.bh, &sig.bh_len) &&
	    (sig.bh_len != good_len || memcmp(sig.bh, good, good_len) != 0)) {
		enum dkim_diag got = dkim__diagnose_body(
		    &run, &snap, &sig, body, canon_len, &bytes, &hashed);
		FUZZ_CHECK(got != DKIM_DIAG_NONE);
		uint8_t h[DIGEST_MAX_BYTES];
		size_t hl;
		if (got == DKIM_DIAG_BODY_APPENDED) {
			FUZZ_CHECK(bytes > 0 && bytes < canon_len);
			FUZZ_CHECK(
			    prefix_hash(&sig, body, canon_len - bytes, h, &hl));
		} else {
			FUZZ_CHECK(dkim_hash_body_variant(&check, got, sig.hash,
			    sig.bcanon, UINT64_MAX, body, h, &hl));
		}
		FUZZ_CHECK(hl == sig.bh_len && memcmp(h, sig.bh, hl) == 0);
	}

	/* The LF variant is the canonical body with each CRLF as LF. */
	{
		struct span_buf sb;
		size_t cap = 2 * body.len + 2;
		uint8_t *canon = malloc(cap);
		FUZZ_CHECK(canon != NULL);
		span_buf_init(&sb, canon, cap);
		bodycanon_span(sig.bcanon, span_buf_sink(&sb), body);
		FUZZ_CHECK(!sb.overflow);
		size_t w = 0;
		for (size_t i = 0; i < sb.len; i++) {
			if (!(canon[i] == '\r' && i + 1 < sb.len &&
			        canon[i + 1] == '\n')) {
				canon[w++] = canon[i];
			}
		}
		uint8_t a[DIGEST_MAX_BYTES], b[DIGEST_MAX_BYTES];
		size_t al, bl;
		digest_begin(&check, sig.hash);
		digest_update(&check, canon, w);
		FUZZ_CHECK(digest_finish(&check, a, &al));
		FUZZ_CHECK(
		    dkim_hash_body_variant(&check, DKIM_DIAG_LF_LINE_ENDINGS,
		        sig.hash, sig.bcanon, UINT64_MAX, body, b, &bl));
		FUZZ_CHECK(al == bl && memcmp(a, b, al) == 0);
		free(canon);
	}

	/* A claim no variant makes. */
	memcpy(sig.bh, good, good_len);
	sig.bh_len = good_len;
	sig.bh[0] ^= 1;
	enum dkim_diag got = dkim__diagnose_body(
	    &run, &snap, &sig, body, canon_len, &bytes, &hashed);
	if (got != DKIM_DIAG_NONE) {
		uint8_t h[DIGEST_MAX_BYTES];
		size_t hl;
		FUZZ_CHECK(got == DKIM_DIAG_BODY_APPENDED ||
		    dkim_hash_body_variant(&check, got, sig.hash, sig.bcanon,
		        UINT64_MAX, body, h, &hl));
		if (got == DKIM_DIAG_BODY_APPENDED) {
			FUZZ_CHECK(
			    prefix_hash(&sig, body, canon_len - bytes, h, &hl));
		}
		FUZZ_CHECK(hl == sig.bh_len && memcmp(h, sig.bh, hl) == 0);
	}
	return 0;
}
