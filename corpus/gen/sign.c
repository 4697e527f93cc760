/*
 * sign.c - the corpus generator's DKIM signer (RFC 6376 §5, RFC 8463 §3).
 *
 * It shares canonicalization and header selection with the verifier:
 * dkim_hash_body and dkim_hash_headers from auth/, over an index that
 * msg_parse builds.  So a bug in that shared code would sign and verify
 * consistently; the differential test against python3-dkim (tests/diff)
 * exists to catch exactly that.
 *
 * Steps (§5.5-§5.6): hash the canonical body; write the DKIM-Signature
 * field with an empty b= value, folded the way real signers fold it;
 * parse that field back with msg_parse and tv_parse to check it and to
 * find the b= value region; hash the selected header fields bottom-up
 * followed by the signature field itself; sign the hash (RSASSA-PKCS1-v1_5
 * over SHA-256 or SHA-1; Ed25519 over the SHA-256 hash, RFC 8463 §3); put
 * the base64 signature, folded, into the b= region; prepend the field.
 */
#include <stdio.h>
#include <string.h>

#include "canon/msg.h"
#include "canon/tagvalue.h"
#include "corpus/gen/gen.h"
#include "crypto/b64.h"

bool
signer_init(struct signer *sg)
{
	memset(sg, 0, sizeof(*sg));
	arena_init(&sg->a, 1 << 16);
	return digest_init(&sg->d);
}

void
signer_cleanup(struct signer *sg)
{
	digest_cleanup(&sg->d);
	arena_cleanup(&sg->a);
	gbuf_free(&sg->scratch);
	gbuf_free(&sg->field);
}

/* struct folder writes tag-specs separated by SP, or by a folding line
 * break when the line would pass 76 columns. */
struct folder {
	struct gbuf *b;
	size_t col;
	const char *brk; /* "\r\n\t" or "\r\n " */
	bool compact;    /* no SP between tag-specs */
};

static void
fold_put(struct folder *f, const char *tok, size_t n, bool may_break)
{
	if (may_break && f->col + 1 + n > 76) {
		gbuf_puts(f->b, f->brk);
		f->col = 8;
	} else if (may_break && !f->compact) {
		gbuf_putc(f->b, ' ');
		f->col++;
	}
	gbuf_put(f->b, tok, n);
	f->col += n;
}

static void
fold_tag(
    struct folder *f, const char *fmt_name, const char *value, bool semicolon)
{
	char tok[160];
	int n = snprintf(
	    tok, sizeof(tok), "%s=%s%s", fmt_name, value, semicolon ? ";" : "");
	if (n < 0 || (size_t)n >= sizeof(tok)) {
		f->b->failed = true;
		return;
	}
	fold_put(f, tok, (size_t)n, true);
}

/* h_name writes one h= element into |out|, capitalised when |caps|. */
static void
h_name(char *out, size_t cap, const char *name, bool caps)
{
	size_t i = 0;
	for (; name[i] != '\0' && i + 1 < cap; i++) {
		char c = name[i];
		if (caps && (i == 0 || name[i - 1] == '-') && c >= 'a' &&
		    c <= 'z') {
			c = (char)(c - 'a' + 'A');
		}
		out[i] = c;
	}
	out[i] = '\0';
}

/* fold_h writes the h= tag, folding between field names. */
static void
fold_h(struct folder *f, const struct sig_plan *s)
{
	char name[40], tok[64];
	for (size_t i = 0; i < s->num_h; i++) {
		h_name(name, sizeof(name), s->h[i], s->h_caps);
		bool last = i + 1 == s->num_h;
		int n = snprintf(tok, sizeof(tok), "%s%s%s", i == 0 ? "h=" : "",
		    name,
		    last              ? ";"
		        : s->h_spaced ? " :"
		                      : ":");
		if (n < 0 || (size_t)n >= sizeof(tok)) {
			f->b->failed = true;
			return;
		}
		if (i == 0) {
			fold_put(f, tok, (size_t)n, true);
		} else if (f->col + 1 + (size_t)n > 76) {
			/* FWS is allowed around each name (§3.5, h=). */
			gbuf_puts(f->b, f->brk);
			f->col = 8;
			gbuf_put(f->b, tok, (size_t)n);
			f->col += (size_t)n;
		} else {
			if (s->h_spaced) {
				gbuf_putc(f->b, ' ');
				f->col++;
			}
			gbuf_put(f->b, tok, (size_t)n);
			f->col += (size_t)n;
		}
	}
}

/* build_field writes the field with an empty b= into sg->field and returns
 * the offset just after "b=". */
static size_t
build_field(struct signer *sg, const struct sig_plan *s, struct rng *r,
    const char *bh64, uint64_t canon_len, const char *brk)
{
	struct gbuf *b = &sg->field;
	gbuf_clear(b);
	unsigned nc = rng_below(r, 1000);
	gbuf_puts(b,
	    nc < 5        ? "dkim-signature:"
	        : nc < 10 ? "DKIM-SIGNATURE:"
	                  : "DKIM-Signature:");
	struct folder f = { b, 15, brk, s->compact };
	char num[24];
	fold_tag(&f, "v", "1", true);
	fold_tag(&f, "a", plan_a_text(s), true);
	if (s->cform != C_ABSENT) {
		fold_tag(&f, "c", plan_c_text(s), true);
	}
	fold_tag(&f, "d", s->d, true);
	fold_tag(&f, "s", s->s, true);
	if (s->has_t) {
		(void)snprintf(num, sizeof(num), "%lld", (long long)s->t);
		fold_tag(&f, "t", num, true);
	}
	if (s->xk != X_NONE) {
		(void)snprintf(num, sizeof(num), "%lld", (long long)s->x);
		fold_tag(&f, "x", num, true);
	}
	if (s->auid[0] != '\0') {
		fold_tag(&f, "i", s->auid, true);
	}
	if (s->has_l) {
		(void)snprintf(
		    num, sizeof(num), "%llu", (unsigned long long)canon_len);
		fold_tag(&f, "l", num, true);
	}
	if (s->q) {
		fold_tag(&f, "q", "dns/txt", true);
	}
	if (s->extra_tag) {
		/* Unknown tags MUST be ignored (§3.2). */
		fold_tag(&f, "darn", "inbox.example", true);
	}
	fold_h(&f, s);
	size_t b_off;
	if (s->b_first) {
		fold_tag(&f, "b", "", true);
		b_off = b->len - 1;
		fold_tag(&f, "bh", bh64, s->trailing_sc);
	} else {
		fold_tag(&f, "bh", bh64, true);
		fold_tag(&f, "b", "", s->trailing_sc);
		b_off = b->len - (s->trailing_sc ? 1 : 0);
	}
	return b_off;
}

/* put_b64 inserts the signature |sig64| at |off| in sg->field, folded in
 * one of the ways signers do it. */
static void
put_b64(struct signer *sg, struct rng *r, size_t off, const char *sig64,
    size_t len, const char *brk)
{
	struct gbuf *tmp = &sg->scratch;
	gbuf_clear(tmp);
	size_t col = 0;
	while (col < off && sg->field.p[off - 1 - col] != '\n') {
		col++;
	}
	unsigned style = rng_below(r, 100);
	size_t first;
	if (style < 10) {
		first = len; /* one long line */
	} else if (style < 25) {
		gbuf_puts(tmp, brk); /* the value starts on a new line */
		first = 0;
	} else {
		first = col < 68 ? 76 - col : 8;
	}
	size_t done = first < len ? first : len;
	gbuf_put(tmp, sig64, done);
	while (done < len) {
		size_t n = len - done < 72 ? len - done : 72;
		if (done > 0) {
			gbuf_puts(tmp, brk);
		}
		gbuf_put(tmp, sig64 + done, n);
		done += n;
	}
	if (!tmp->failed) {
		gbuf_insert(&sg->field, off, tmp->p, tmp->len);
	} else {
		sg->field.failed = true;
	}
}

bool
signer_sign(struct signer *sg, struct message *m, struct sig_plan *s,
    const struct keyring *kr, struct rng *r, const char **err)
{
	arena_reset(&sg->a);
	enum digest_alg hash =
	    s->alg == DKIM_ALG_RSA_SHA1 ? DIGEST_SHA1 : DIGEST_SHA256;
	uint8_t bh[DIGEST_MAX_BYTES];
	size_t bh_len;
	uint64_t canon_len;
	*err = "body hash";
	struct span body = span_make(m->body.p, m->body.len);
	if (!dkim_hash_body(&sg->d, hash, s->bc, UINT64_MAX, body, bh, &bh_len,
	        &canon_len)) {
		return false;
	}
	if (s->bug != DKIM_DIAG_NONE) {
		/* A broken signer; a bug that changes nothing here (no
		 * trailing blank line to keep, say) is no bug. */
		uint8_t vh[DIGEST_MAX_BYTES];
		size_t vh_len;
		if (dkim_hash_body_variant(&sg->d, s->bug, hash, s->bc,
		        UINT64_MAX, body, vh, &vh_len) &&
		    (vh_len != bh_len || memcmp(vh, bh, bh_len) != 0)) {
			memcpy(bh, vh, vh_len);
		} else {
			s->bug = DKIM_DIAG_NONE;
		}
	}
	char bh64[64];
	bh64[b64_encode(bh64, bh, bh_len)] = '\0';

	const char *brk = rng_permille(r, 300) ? "\r\n " : "\r\n\t";
	size_t b_off = build_field(sg, s, r, bh64, canon_len, brk);
	*err = "field text";
	if (sg->field.failed) {
		return false;
	}

	/* Parse the field back as the verifier will: one header field whose
	 * tag list is valid and whose b= is empty. */
	struct gbuf *sc = &sg->scratch;
	gbuf_clear(sc);
	gbuf_put(sc, sg->field.p, sg->field.len);
	gbuf_put(sc, "\r\n\r\n", 4);
	struct msg fm;
	struct tv_list tl;
	*err = "signature field does not parse";
	if (sc->failed || msg_parse(&fm, &sg->a, sc->p, sc->len) != MSG_OK ||
	    fm.num_fields != 1 || fm.fields[0].malformed ||
	    tv_parse(&tl, fm.fields[0].value) != TV_OK) {
		return false;
	}
	const struct tv_tag *bt = tv_find(&tl, "b");
	const struct tv_tag *ht = tv_find(&tl, "h");
	*err = "b= region";
	if (bt == NULL || ht == NULL || bt->value.len != 0 ||
	    (bt->region.p != NULL && (size_t)(bt->region.p - sc->p) != b_off)) {
		return false;
	}
	struct msg_field nob;
	*err = "out of memory";
	if (!dkim_field_without_b(&nob, &sg->a, &fm.fields[0], bt->region)) {
		return false;
	}

	/* The h= names exactly as the verifier reads them. */
	struct tv_iter it;
	struct span name;
	size_t num_names = 0;
	tv_iter_init(&it, ht->value);
	while (tv_iter_next(&it, &name)) {
		num_names++;
	}
	struct span *names =
	    arena_alloc(&sg->a, (num_names + 1) * sizeof(*names));
	if (names == NULL) {
		return false;
	}
	num_names = 0;
	tv_iter_init(&it, ht->value);
	while (tv_iter_next(&it, &name)) {
		names[num_names++] = name;
	}

	/* The message's header fields; without an empty line msg_parse
	 * takes the whole buffer as the header section. */
	struct msg mm;
	*err = "message header does not parse";
	if (msg_parse(&mm, &sg->a, m->head.p, m->head.len) != MSG_OK) {
		return false;
	}
	uint8_t hh[DIGEST_MAX_BYTES];
	size_t hh_len;
	*err = "header hash";
	if (!dkim_hash_headers(&sg->d, hash, s->hc, &mm, names, num_names, &nob,
	        &sg->a, hh, &hh_len)) {
		return false;
	}

	uint8_t sig[SIG_MAX_BYTES];
	size_t sig_len = 0;
	const struct privkey *key = kr->key[s->key];
	*err = "signing";
	if (s->alg == DKIM_ALG_ED25519_SHA256) {
		/* RFC 8463 §3: Ed25519 signs the SHA-256 hash. */
		if (!privkey_sign_ed25519(key, span_make(hh, hh_len), sig)) {
			return false;
		}
		sig_len = 64;
	} else if (!privkey_sign_rsa(key, hash, span_make(hh, hh_len), sig,
	               sizeof(sig), &sig_len)) {
		return false;
	}
	char sig64[((SIG_MAX_BYTES + 2) / 3) * 4 + 1];
	size_t sig64_len = b64_encode(sig64, sig, sig_len);
	put_b64(sg, r, b_off, sig64, sig64_len, brk);
	*err = "out of memory";
	if (sg->field.failed) {
		return false;
	}
	message_prepend_field(m, sg->field.p, sg->field.len);
	return !m->head.failed;
}
