/*
 * diagnose.c - naming the mistake behind a failed body hash.
 *
 * Verifiers and signers keep disagreeing on the same few edges of RFC 6376
 * §3.4: the relaxed empty body, trailing empty lines, WSP at line ends,
 * LF-only storage, a footer a list appended.  When a body hash fails,
 * dkim__diagnose_body hashes the body again under each known wrong
 * variant of the signature's canonicalization and names the one whose
 * hash is the hash the signature claims.  A name is given only on an
 * exact match, so a body that was really changed gets none.
 *
 * The variants are written here, line by line and plainly: they run only
 * for failed signatures, and they double as the broken signers of the
 * tests and the corpus generator (dkim_sign's body_bug).
 */
#include <string.h>

#include "auth/dkim.h"
#include "auth/internal.h"
#include "canon/bodycanon.h"

static const struct {
	const char *code, *text;
} diags[DKIM_DIAG_COUNT] = {
	[DKIM_DIAG_NONE] = { "", "" },
	[DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF] = { "relaxed-empty-body-crlf",
	    "the empty body was hashed as one CRLF under relaxed (RFC 6376 "
	    "3.4.4 hashes nothing)" },
	[DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES] = { "relaxed-trailing-blank-"
	                                             "lines",
	    "trailing empty or whitespace-only lines were kept under relaxed "
	    "(RFC 6376 3.4.4 removes them)" },
	[DKIM_DIAG_TRAILING_WHITESPACE_KEPT] = { "trailing-whitespace-kept",
	    "whitespace at the end of lines was kept under relaxed (RFC 6376 "
	    "3.4.4 removes it)" },
	[DKIM_DIAG_LF_LINE_ENDINGS] = { "lf-line-endings",
	    "the body was hashed with LF line endings instead of CRLF" },
	[DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES] = { "simple-trailing-blank-"
	                                            "lines",
	    "trailing empty lines were kept under simple (RFC 6376 3.4.3 "
	    "removes them)" },
	[DKIM_DIAG_BODY_APPENDED] = { "body-appended",
	    "the signature covers a prefix of the body; the rest was "
	    "appended after signing" },
	[DKIM_DIAG_SUBJECT_TAG_ADDED] = { "subject-tag-added",
	    "a \"[tag] \" was put before the Subject after signing" },
	[DKIM_DIAG_HEADER_ADDED] = { "header-added",
	    "another instance of a signed header field was added after "
	    "signing; the signature verifies without it" },
};

const char *
dkim_diag_code(enum dkim_diag d)
{
	return (unsigned)d < DKIM_DIAG_COUNT ? diags[d].code : "";
}

const char *
dkim_diag_text(enum dkim_diag d)
{
	return (unsigned)d < DKIM_DIAG_COUNT ? diags[d].text : "";
}

/* Variant flags. */
enum {
	V_KEEP_BLANK = 1, /* keep trailing empty lines */
	V_KEEP_WSP = 2,   /* relaxed: keep WSP at line ends (runs still one) */
	V_LF = 4,         /* end lines with LF, not CRLF */
	V_EMPTY_CRLF = 8  /* relaxed: an empty body becomes one CRLF */
};

/* The variants write through a buffer: their lines come a run at a
 * time, and a hash wants large updates. */
#define VOUT_BUF 4096

struct vout {
	const struct byte_sink *sink;
	uint64_t len;
	size_t used;
	uint8_t buf[VOUT_BUF];
};

static void
vflush(struct vout *o)
{
	byte_sink_write(o->sink, o->buf, o->used);
	o->used = 0;
}

static void
vput(struct vout *o, const void *p, size_t n)
{
	o->len += n;
	if (n > VOUT_BUF - o->used) {
		vflush(o);
		if (n >= VOUT_BUF) {
			byte_sink_write(o->sink, p, n);
			return;
		}
	}
	memcpy(o->buf + o->used, p, n);
	o->used += n;
}

static void
veol(struct vout *o, unsigned flags, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		vput(o, (flags & V_LF) ? "\n" : "\r\n", (flags & V_LF) ? 1 : 2);
	}
}

/* vline writes one line's content (no ending) under |bc| and |flags|,
 * returning its canonical length: 0 for a line that counts as empty. */
static size_t
vline(struct vout *o, enum canon_mode bc, unsigned flags, const uint8_t *p,
    size_t n, bool write)
{
	if (bc == CANON_SIMPLE) {
		if (write) {
			vput(o, p, n);
		}
		return n;
	}
	size_t len = 0;
	bool wsp = false;
	for (size_t i = 0; i < n;) {
		if (span_is_wsp(p[i])) {
			wsp = true;
			i++;
			continue;
		}
		if (wsp) {
			if (write) {
				vput(o, " ", 1);
			}
			len++;
			wsp = false;
		}
		size_t k = i + 1;
		while (k < n && !span_is_wsp(p[k])) {
			k++;
		}
		if (write) {
			vput(o, p + i, k - i);
		}
		len += k - i;
		i = k;
	}
	if (wsp && (flags & V_KEEP_WSP)) {
		if (write) {
			vput(o, " ", 1);
		}
		len++;
	}
	return len;
}

/* variant_body canonicalizes |body| with |bc| changed by |flags|. */
static void
variant_body(const struct byte_sink *sink, enum canon_mode bc, unsigned flags,
    struct span body)
{
	struct vout o;
	o.sink = sink;
	o.len = 0;
	o.used = 0;
	uint64_t blank = 0; /* empty lines not yet written */
	size_t i = 0;
	while (i < body.len) {
		const uint8_t *lf = memchr(body.p + i, '\n', body.len - i);
		size_t end = lf != NULL ? (size_t)(lf - body.p) : body.len;
		size_t n = end - i;
		if (lf != NULL && n > 0 && body.p[end - 1] == '\r') {
			n--;
		}
		if (vline(&o, bc, flags, body.p + i, n, false) == 0) {
			/* An empty line, or (no ending) nothing at all. */
			blank += lf != NULL;
		} else {
			veol(&o, flags, blank);
			blank = 0;
			vline(&o, bc, flags, body.p + i, n, true);
			veol(&o, flags, 1);
		}
		i = lf != NULL ? end + 1 : body.len;
	}
	if (flags & V_KEEP_BLANK) {
		veol(&o, flags, blank);
	}
	if (o.len == 0 && (bc == CANON_SIMPLE || (flags & V_EMPTY_CRLF) != 0)) {
		veol(&o, flags, 1);
	}
	vflush(&o);
}

/* struct lf_sink passes canonical bytes on with each CRLF written as LF:
 * in canonical output every CRLF is a line end, so this is the LF variant
 * at the speed of the real canonicalizer.  A CR at the end of one write
 * waits for the next. */
struct lf_sink {
	struct byte_sink inner;
	bool cr;
};

static void
lf_write(void *ctx, const uint8_t *p, size_t n)
{
	struct lf_sink *ls = ctx;
	size_t i = 0;
	if (ls->cr) {
		ls->cr = false;
		if (p[0] != '\n') {
			byte_sink_write(&ls->inner, "\r", 1);
		}
	}
	while (i < n) {
		const uint8_t *cr = memchr(p + i, '\r', n - i);
		size_t k = cr != NULL ? (size_t)(cr - p) : n;
		byte_sink_write(&ls->inner, p + i, k - i);
		if (cr == NULL) {
			break;
		}
		if (k + 1 == n) {
			ls->cr = true;
			break;
		}
		if (p[k + 1] != '\n') {
			byte_sink_write(&ls->inner, "\r", 1);
		}
		i = k + 1;
	}
}

bool
dkim_hash_body_variant(struct digest *d, enum dkim_diag diag,
    enum digest_alg alg, enum canon_mode bc, uint64_t limit, struct span body,
    uint8_t *out, size_t *out_len)
{
	unsigned flags;
	switch (diag) {
	case DKIM_DIAG_NONE: {
		uint64_t canon_len;
		return dkim_hash_body(
		    d, alg, bc, limit, body, out, out_len, &canon_len);
	}
	case DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF:
		flags = V_EMPTY_CRLF;
		break;
	case DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES:
		flags = V_KEEP_BLANK;
		break;
	case DKIM_DIAG_TRAILING_WHITESPACE_KEPT:
		flags = V_KEEP_WSP;
		break;
	case DKIM_DIAG_LF_LINE_ENDINGS:
		flags = V_LF;
		break;
	case DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES:
		flags = V_KEEP_BLANK;
		break;
	default:
		return false;
	}
	bool relaxed_only = diag != DKIM_DIAG_LF_LINE_ENDINGS &&
	    diag != DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES;
	if ((relaxed_only && bc != CANON_RELAXED) ||
	    (diag == DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES &&
	        bc != CANON_SIMPLE)) {
		return false;
	}
	struct limit_sink ls;
	digest_begin(d, alg);
	limit_sink_init(&ls, digest_sink(d), limit);
	struct byte_sink s = limit_sink_as_sink(&ls);
	if (flags == V_LF) {
		struct lf_sink lf = { s, false };
		bodycanon_span(bc, (struct byte_sink){ lf_write, &lf }, body);
		if (lf.cr) {
			byte_sink_write(&s, "\r", 1);
		}
	} else {
		variant_body(&s, bc, flags, body);
	}
	return digest_finish(d, out, out_len);
}

/* The prefix search takes snapshots only at line ends in the last
 * PREFIX_WINDOW canonical bytes (what a list appends is a few lines), and
 * at most PREFIX_MAX_CHECKS of them. */
#define PREFIX_WINDOW 16384
#define PREFIX_MAX_CHECKS 1024

struct prefix_sink {
	struct digest *run, *snap;
	const uint8_t *want;
	size_t want_len;
	uint64_t seen, total;
	uint64_t found; /* UINT64_MAX until a prefix matches */
	size_t checks;
};

static void
prefix_write(void *ctx, const uint8_t *p, size_t n)
{
	struct prefix_sink *ps = ctx;
	/* Before the window, writes go to the hash whole. */
	uint64_t start =
	    ps->total > PREFIX_WINDOW ? ps->total - PREFIX_WINDOW : 0;
	if (ps->seen < start) {
		size_t k =
		    start - ps->seen < n ? (size_t)(start - ps->seen) : n;
		digest_update(ps->run, p, k);
		ps->seen += k;
		p += k;
		n -= k;
	}
	while (n > 0) {
		const uint8_t *lf =
		    ps->found == UINT64_MAX && ps->checks < PREFIX_MAX_CHECKS
		    ? memchr(p, '\n', n)
		    : NULL;
		size_t k = lf != NULL ? (size_t)(lf - p) + 1 : n;
		digest_update(ps->run, p, k);
		ps->seen += k;
		p += k;
		n -= k;
		if (lf == NULL || ps->seen >= ps->total) {
			continue;
		}
		uint8_t h[DIGEST_MAX_BYTES];
		size_t hl;
		ps->checks++;
		digest_copy(ps->snap, ps->run);
		if (digest_finish(ps->snap, h, &hl) && hl == ps->want_len &&
		    memcmp(h, ps->want, hl) == 0) {
			ps->found = ps->seen;
		}
	}
}

/* tail_breaks counts the line ends in the tail of |body| made only of
 * line-end bytes and, when |wsp|, WSP: two or more mean the body ends in
 * an empty (or, with |wsp|, whitespace-only) line. */
static size_t
tail_breaks(struct span body, bool wsp)
{
	size_t n = 0, i = body.len;
	while (i > 0) {
		uint8_t c = body.p[i - 1];
		if (c == '\n') {
			n++;
		} else if (c != '\r' && !(wsp && span_is_wsp(c))) {
			break;
		}
		i--;
	}
	return n;
}

/* line_end_wsp says whether some line of |body| ends in WSP. */
static bool
line_end_wsp(struct span body)
{
	for (size_t i = 0; i < body.len; i++) {
		const uint8_t *lf = memchr(body.p + i, '\n', body.len - i);
		size_t e = lf != NULL ? (size_t)(lf - body.p) : body.len;
		size_t k = e;
		if (lf != NULL && k > i && body.p[k - 1] == '\r') {
			k--;
		}
		if (k > i && span_is_wsp(body.p[k - 1])) {
			return true;
		}
		i = e;
	}
	return false;
}

/* applies says whether variant |v| can change the hash of |body| (of
 * canonical length |canon_len|): the others are not worth a pass. */
static bool
applies(enum dkim_diag v, struct span body, uint64_t canon_len)
{
	switch (v) {
	case DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF:
		return canon_len == 0;
	case DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES:
		return tail_breaks(body, true) >= 2;
	case DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES:
		return tail_breaks(body, false) >= 2;
	case DKIM_DIAG_TRAILING_WHITESPACE_KEPT:
		return line_end_wsp(body);
	default:
		return canon_len > 0;
	}
}

enum dkim_diag
dkim__diagnose_body(struct digest *run, struct digest *snap,
    const struct dkim_sig *sig, struct span body, uint64_t canon_len,
    uint64_t *bytes, uint64_t *hashed)
{
	*bytes = 0;
	if (sig->bh_too_long) {
		return DKIM_DIAG_NONE;
	}
	static const enum dkim_diag relaxed[] = {
		DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF,
		DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES,
		DKIM_DIAG_TRAILING_WHITESPACE_KEPT, DKIM_DIAG_LF_LINE_ENDINGS
	};
	static const enum dkim_diag simple[] = { DKIM_DIAG_LF_LINE_ENDINGS,
		DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES };
	const enum dkim_diag *try =
	    sig->bcanon == CANON_RELAXED ? relaxed : simple;
	size_t num = sig->bcanon == CANON_RELAXED
	    ? sizeof(relaxed) / sizeof(relaxed[0])
	    : sizeof(simple) / sizeof(simple[0]);
	uint64_t limit = sig->has_l ? sig->l : UINT64_MAX;
	for (size_t i = 0; i < num; i++) {
		if (!applies(try[i], body, canon_len)) {
			continue;
		}
		uint8_t h[DIGEST_MAX_BYTES];
		size_t hl;
		bool got = dkim_hash_body_variant(
		    run, try[i], sig->hash, sig->bcanon, limit, body, h, &hl);
		*hashed += run->bytes;
		if (got && hl == sig->bh_len && memcmp(h, sig->bh, hl) == 0) {
			return try[i];
		}
	}
	/* A signature over a prefix: the canonical body up to one of its
	 * line ends hashes to bh=.  (With l= the signer chose the prefix.) */
	if (!sig->has_l && canon_len > 0) {
		struct prefix_sink ps = { run, snap, sig->bh, sig->bh_len, 0,
			canon_len, UINT64_MAX, 0 };
		digest_begin(run, sig->hash);
		bodycanon_span(
		    sig->bcanon, (struct byte_sink){ prefix_write, &ps }, body);
		*hashed += run->bytes;
		if (ps.found != UINT64_MAX) {
			*bytes = canon_len - ps.found;
			return DKIM_DIAG_BODY_APPENDED;
		}
	}
	return DKIM_DIAG_NONE;
}

enum dkim_diag
dkim_diagnose_body(const struct dkim_sig *sig, struct span body,
    uint64_t canon_len, uint64_t *bytes)
{
	struct digest run, snap;
	enum dkim_diag g = DKIM_DIAG_NONE;
	uint64_t hashed = 0;
	*bytes = 0;
	if (digest_init(&run) && digest_init(&snap)) {
		g = dkim__diagnose_body(
		    &run, &snap, sig, body, canon_len, bytes, &hashed);
	}
	digest_cleanup(&run);
	digest_cleanup(&snap);
	return g;
}
