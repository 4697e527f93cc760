/*
 * dkim_sign.c - making DKIM signatures (RFC 6376 §5, RFC 8463 §3), for the
 * corpus generator and the tests.
 *
 * The signer shares dkim_hash_body and dkim_hash_headers with the verifier,
 * so that both sides canonicalize with the same code; the differential test
 * against an independent verifier (tests/diff) is what checks that code.
 */
#include <string.h>

#include "auth/dkim.h"
#include "auth/internal.h"
#include "crypto/b64.h"

/* PUT_LIT appends a string literal (a program constant, never data). */
#define PUT_LIT(b, lit) span_buf_put((b), (lit), sizeof(lit) - 1)

static void
put_span(struct span_buf *b, struct span s)
{
	span_buf_put(b, s.p, s.len);
}

static void
put_u64(struct span_buf *b, uint64_t v)
{
	char digits[20];
	size_t n = 0;
	do {
		digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	span_buf_put(b, digits + sizeof(digits) - n, n);
}

static void
put_tag_u64(struct span_buf *b, struct span tag, bool has, uint64_t v)
{
	if (has) {
		put_span(b, tag);
		put_u64(b, v);
		PUT_LIT(b, "; ");
	}
}

static struct span
alg_name(enum dkim_alg alg)
{
	switch (alg) {
	case DKIM_ALG_RSA_SHA1:
		return SPAN_LIT("rsa-sha1");
	case DKIM_ALG_ED25519_SHA256:
		return SPAN_LIT("ed25519-sha256");
	case DKIM_ALG_RSA_SHA256:
		break;
	}
	return SPAN_LIT("rsa-sha256");
}

/* put_head writes the field up to and including the empty "b=". */
static void
put_head(struct span_buf *b, const struct dkim_sign_params *p, struct span bh)
{
	const struct span canon[] = { SPAN_LIT("simple"), SPAN_LIT("relaxed") };
	if (p->head.len > 0) {
		put_span(b, p->head);
		PUT_LIT(b, "a=");
	} else {
		PUT_LIT(b, "DKIM-Signature: v=1; a=");
	}
	put_span(b, alg_name(p->alg));
	PUT_LIT(b, "; c=");
	if (p->c_text.len > 0) {
		put_span(b, p->c_text);
	} else {
		put_span(b, canon[p->hcanon]);
		PUT_LIT(b, "/");
		put_span(b, canon[p->bcanon]);
	}
	PUT_LIT(b, "; d=");
	put_span(b, p->d);
	PUT_LIT(b, "; s=");
	put_span(b, p->s);
	PUT_LIT(b, "; ");
	put_tag_u64(b, SPAN_LIT("t="), p->has_t, p->t);
	put_tag_u64(b, SPAN_LIT("x="), p->has_x, p->x);
	put_tag_u64(b, SPAN_LIT("l="), p->has_l, p->l);
	PUT_LIT(b, "h=");
	put_span(b, p->h);
	PUT_LIT(b, "; ");
	if (p->extra.len > 0) {
		put_span(b, p->extra);
		PUT_LIT(b, "; ");
	}
	PUT_LIT(b, "bh=");
	put_span(b, bh);
	PUT_LIT(b, "; b=");
}

static bool
split_h(struct span **out, size_t *num, struct span h, struct arena *a)
{
	struct tv_iter it;
	struct span name;
	size_t n = 0;
	tv_iter_init(&it, h);
	while (tv_iter_next(&it, &name)) {
		n++;
	}
	struct span *names = arena_alloc(a, (n + 1) * sizeof(*names));
	if (names == NULL) {
		return false;
	}
	tv_iter_init(&it, h);
	n = 0;
	while (tv_iter_next(&it, &name)) {
		names[n++] = name;
	}
	*out = names;
	*num = n;
	return true;
}

bool
dkim__sign_digest(const struct privkey *key, enum dkim_alg alg,
    enum digest_alg hash, struct span digest, uint8_t sig[SIG_MAX_BYTES],
    size_t *sig_len)
{
	if (alg == DKIM_ALG_ED25519_SHA256) {
		/* RFC 8463 §3: Ed25519 signs the SHA-256 header hash. */
		*sig_len = 64;
		return privkey_sign_ed25519(key, digest, sig);
	}
	return privkey_sign_rsa(key, hash, digest, sig, SIG_MAX_BYTES, sig_len);
}

bool
dkim_sign(struct span *out, struct digest *d, const struct msg *m,
    const struct dkim_sign_params *p, struct arena *a)
{
	enum digest_alg hash =
	    p->alg == DKIM_ALG_RSA_SHA1 ? DIGEST_SHA1 : DIGEST_SHA256;
	uint8_t bh[DIGEST_MAX_BYTES];
	size_t bh_len;
	uint64_t canon_len;
	uint64_t limit = p->has_l ? p->l : UINT64_MAX;
	if (p->body_bug != DKIM_DIAG_NONE) {
		if (!dkim_hash_body_variant(d, p->body_bug, hash, p->bcanon,
		        limit, m->body, bh, &bh_len)) {
			return false;
		}
	} else if (!dkim_hash_body(d, hash, p->bcanon, limit, m->body, bh,
	               &bh_len, &canon_len)) {
		return false;
	}
	char bh64[64];
	size_t bh64_len = b64_encode(bh64, bh, bh_len);

	size_t cap = 512 + p->head.len + p->d.len + p->s.len + p->h.len +
	    p->extra.len + p->c_text.len + b64_encoded_len(SIG_MAX_BYTES);
	uint8_t *text = arena_alloc(a, cap);
	if (text == NULL) {
		return false;
	}
	struct span_buf b;
	span_buf_init(&b, text, cap);
	put_head(&b, p, span_make(bh64, bh64_len));
	if (b.overflow) {
		return false;
	}

	/* The field as hashed: its b= is still empty. */
	struct msg_field f;
	f.raw = span_make(text, b.len);
	size_t name_len = span_find(span_make(text, b.len), ':');
	f.name = span_make(text, name_len);
	f.value = span_make(text + name_len + 1, b.len - name_len - 1);
	f.malformed = false;
	struct span *names;
	size_t num_names;
	uint8_t hh[DIGEST_MAX_BYTES];
	size_t hh_len;
	if (!split_h(&names, &num_names, p->h, a) ||
	    !dkim_hash_headers(
	        d, hash, p->hcanon, m, names, num_names, &f, a, hh, &hh_len)) {
		return false;
	}
	uint8_t sig[SIG_MAX_BYTES];
	size_t sig_len;
	if (!dkim__sign_digest(
	        p->key, p->alg, hash, span_make(hh, hh_len), sig, &sig_len)) {
		return false;
	}
	b.len += b64_encode((char *)text + b.len, sig, sig_len);
	*out = span_make(text, b.len);
	return true;
}
