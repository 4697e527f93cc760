/*
 * dkim_sig.c - DKIM-Signature fields to struct dkim_sig (RFC 6376 §3.5).
 *
 * The field value is a tag list (§3.2).  Each tag is checked by a handler
 * named in a rule table; DKIM-Signature uses dkim_signature_rules below,
 * and ARC-Message-Signature can reuse the handlers with a table of its own.
 * Relations between tags (i= within d=, From in h=, x= after t=) are
 * checked once all tags are read.  Unknown tags are ignored (§3.2: "Unrecognized
 * tags MUST be ignored").
 */
#include <string.h>

#include "auth/dkim.h"
#include "auth/internal.h"
#include "crypto/b64.h"

/* Let-dig / Ldh-str (RFC 5321 §4.1.2), plus 8-bit bytes for U-labels
 * (RFC 8616 §4) and, in selectors only, "_", which real signers use. */
static bool
label_ok(struct span l, bool allow_underscore)
{
	if (l.len == 0 || l.len > DNS_MAX_LABEL) {
		return false;
	}
	for (size_t i = 0; i < l.len; i++) {
		uint8_t c = l.p[i];
		bool ok = span_is_alpha(c) || span_is_digit(c) || c >= 0x80 ||
		    (allow_underscore && c == '_') ||
		    (c == '-' && i != 0 && i != l.len - 1);
		if (!ok) {
			return false;
		}
	}
	return true;
}

static bool
dotted_ok(struct span s, size_t min_labels, bool allow_underscore)
{
	if (s.len == 0 || s.len > DNS_MAX_NAME) {
		return false;
	}
	size_t labels = 0;
	for (;;) {
		size_t dot = span_find(s, '.');
		if (!label_ok(span_sub(s, 0, dot), allow_underscore)) {
			return false;
		}
		labels++;
		if (dot == s.len) {
			break;
		}
		(void)span_skip(&s, dot + 1);
	}
	return labels >= min_labels;
}

bool
dkim__domain_ok(struct span d)
{
	/* domain-name = sub-domain 1*("." sub-domain) */
	return dotted_ok(d, 2, false);
}

static bool
selector_ok(struct span s)
{
	/* selector = sub-domain *( "." sub-domain ) */
	return dotted_ok(s, 1, true);
}

static enum dkim_reason
tag_v(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)sig;
	(void)a;
	return span_eq(v, SPAN_LIT("1")) ? DKIM_R_OK : DKIM_R_BAD_VERSION;
}

static enum dkim_reason
tag_a(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->a = v;
	if (span_eq_icase_lit(v, "rsa-sha256")) {
		sig->alg = DKIM_ALG_RSA_SHA256;
		sig->hash = DIGEST_SHA256;
		sig->key_type = PUBKEY_RSA;
	} else if (span_eq_icase_lit(v, "ed25519-sha256")) {
		sig->alg = DKIM_ALG_ED25519_SHA256;
		sig->hash = DIGEST_SHA256;
		sig->key_type = PUBKEY_ED25519;
	} else if (span_eq_icase_lit(v, "rsa-sha1")) {
		sig->alg = DKIM_ALG_RSA_SHA1;
		sig->hash = DIGEST_SHA1;
		sig->key_type = PUBKEY_RSA;
	} else {
		return DKIM_R_BAD_ALGORITHM;
	}
	return DKIM_R_OK;
}

static bool
canon_word(struct span w, enum canon_mode *out)
{
	/* Case-sensitive: RFC 6376 §3.2, "Values MUST be processed as case
	 * sensitive unless the specific tag description of semantics
	 * specifies case insensitivity", and §3.5 says nothing of c=; an
	 * unknown algorithm then makes the signature unusable (§3.4,
	 * "Verifiers MUST ignore any signatures that use unrecognized
	 * canonicalization algorithms"). */
	if (span_eq(w, SPAN_LIT("simple"))) {
		*out = CANON_SIMPLE;
	} else if (span_eq(w, SPAN_LIT("relaxed"))) {
		*out = CANON_RELAXED;
	} else {
		return false;
	}
	return true;
}

static enum dkim_reason
tag_c(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->c = v;
	/* "header/body"; a lone "header" means body "simple" (§3.5 c=). */
	size_t slash = span_find(v, '/');
	if (!canon_word(span_sub(v, 0, slash), &sig->hcanon)) {
		return DKIM_R_BAD_CANON;
	}
	if (slash == v.len) {
		sig->bcanon = CANON_SIMPLE;
		return DKIM_R_OK;
	}
	struct span body = span_sub(v, slash + 1, v.len - slash - 1);
	return canon_word(body, &sig->bcanon) ? DKIM_R_OK : DKIM_R_BAD_CANON;
}

static enum dkim_reason
tag_d(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->d = v;
	return dkim__domain_ok(v) ? DKIM_R_OK : DKIM_R_BAD_DOMAIN;
}

static enum dkim_reason
tag_s(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->s = v;
	return selector_ok(v) ? DKIM_R_OK : DKIM_R_BAD_SELECTOR;
}

static bool
field_name_ok(struct span n)
{
	if (n.len == 0) {
		return false;
	}
	for (size_t i = 0; i < n.len; i++) {
		/* ftext: printable US-ASCII except colon (RFC 5322 §3.6.8). */
		if (n.p[i] < 33 || n.p[i] > 126 || n.p[i] == ':') {
			return false;
		}
	}
	return true;
}

enum dkim_reason
dkim__tag_h(struct dkim_sig *sig, struct span v, struct arena *a)
{
	struct tv_iter it;
	struct span name;
	size_t n = 0;
	tv_iter_init(&it, v);
	while (tv_iter_next(&it, &name)) {
		if (!field_name_ok(name) || n == DKIM_MAX_H_ENTRIES) {
			return DKIM_R_BAD_HEADERS;
		}
		n++;
	}
	sig->h = arena_alloc(a, n * sizeof(*sig->h));
	if (sig->h == NULL) {
		return DKIM_R_INTERNAL;
	}
	tv_iter_init(&it, v);
	sig->num_h = 0;
	while (tv_iter_next(&it, &name)) {
		sig->h[sig->num_h++] = name;
	}
	return DKIM_R_OK;
}

static int
hexval(uint8_t c)
{
	if (span_is_digit(c)) {
		return c - '0';
	}
	c = span_tolower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* dkim-quoted-printable (§2.11): FWS is ignored, "=XX" is one byte, and
 * other bytes must be dkim-safe-char. */
static bool
qp_decode(struct span *out, struct span in, struct arena *a)
{
	uint8_t *buf = arena_alloc(a, in.len == 0 ? 1 : in.len);
	if (buf == NULL) {
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.p[i];
		if (span_is_fws(c)) {
			continue;
		}
		if (c == '=') {
			if (in.len - i < 3 || hexval(in.p[i + 1]) < 0 ||
			    hexval(in.p[i + 2]) < 0) {
				return false;
			}
			buf[n++] = (uint8_t)(hexval(in.p[i + 1]) * 16 +
			    hexval(in.p[i + 2]));
			i += 2;
			continue;
		}
		/* dkim-safe-char = %x21-3A / %x3C / %x3E-7E; 8-bit bytes are
		 * accepted for internationalized addresses (RFC 8616). */
		if (!((c >= 0x21 && c <= 0x7e && c != ';') || c >= 0x80)) {
			return false;
		}
		buf[n++] = c;
	}
	*out = span_make(buf, n);
	return true;
}

static enum dkim_reason
tag_i(struct dkim_sig *sig, struct span v, struct arena *a)
{
	struct span auid;
	if (!qp_decode(&auid, v, a)) {
		return DKIM_R_BAD_AUID;
	}
	/* [ Local-part ] "@" domain-name: the domain follows the last "@". */
	size_t at = auid.len;
	while (at > 0 && auid.p[at - 1] != '@') {
		at--;
	}
	if (at == 0) {
		return DKIM_R_BAD_AUID;
	}
	struct span dom = span_sub(auid, at, auid.len - at);
	if (!dkim__domain_ok(dom)) {
		return DKIM_R_BAD_AUID;
	}
	sig->auid = auid;
	sig->auid_domain = dom;
	return DKIM_R_OK;
}

static enum dkim_reason
tag_l(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->has_l = true;
	return span_parse_u64(v, &sig->l, DKIM_MAX_L_DIGITS)
	    ? DKIM_R_OK
	    : DKIM_R_BAD_LENGTH;
}

static enum dkim_reason
tag_q(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)sig;
	(void)a;
	/* Unrecognized methods are ignored; dns/txt must be among them. */
	struct tv_iter it;
	struct span m;
	tv_iter_init(&it, v);
	while (tv_iter_next(&it, &m)) {
		if (span_eq_icase_lit(m, "dns/txt")) {
			return DKIM_R_OK;
		}
	}
	return DKIM_R_BAD_QUERY;
}

static enum dkim_reason
tag_t(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->has_t = true;
	return span_parse_u64(v, &sig->t, DKIM_MAX_TIME_DIGITS)
	    ? DKIM_R_OK
	    : DKIM_R_BAD_TIME;
}

static enum dkim_reason
tag_x(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	sig->has_x = true;
	return span_parse_u64(v, &sig->x, DKIM_MAX_TIME_DIGITS)
	    ? DKIM_R_OK
	    : DKIM_R_BAD_TIME;
}

enum dkim_reason
dkim__tag_b(struct dkim_sig *sig, struct span v, struct arena *a)
{
	uint8_t *buf = arena_alloc(a, SIG_MAX_BYTES);
	size_t n;
	if (buf == NULL) {
		return DKIM_R_INTERNAL;
	}
	if (!b64_decode(buf, SIG_MAX_BYTES, &n, v)) {
		return DKIM_R_BAD_BASE64;
	}
	sig->b = buf;
	sig->b_len = n;
	return DKIM_R_OK;
}

enum dkim_reason
dkim__tag_bh(struct dkim_sig *sig, struct span v, struct arena *a)
{
	uint8_t buf[128];
	size_t n;
	(void)a;
	if (!b64_decode(buf, sizeof(buf), &n, v)) {
		return DKIM_R_BAD_BASE64;
	}
	if (n > sizeof(sig->bh)) {
		/* Valid base64, but longer than any digest: it cannot match. */
		sig->bh_too_long = true;
		n = sizeof(sig->bh);
	}
	memcpy(sig->bh, buf, n);
	sig->bh_len = n;
	return DKIM_R_OK;
}

static enum dkim_reason
tag_z(struct dkim_sig *sig, struct span v, struct arena *a)
{
	/* Copied header fields are diagnostic only; tag syntax suffices. */
	(void)sig;
	(void)v;
	(void)a;
	return DKIM_R_OK;
}

/* times_ok: x= must be after t= (RFC 6376 §3.5), for DKIM and AMS. */
static enum dkim_reason
times_ok(const struct dkim_sig *sig)
{
	return sig->has_t && sig->has_x && sig->x <= sig->t
	    ? DKIM_R_EXPIRY_BEFORE_TS
	    : DKIM_R_OK;
}

static enum dkim_reason
finish_dkim(struct dkim_sig *sig, struct arena *a)
{
	(void)a;
	bool from = false;
	for (size_t i = 0; i < sig->num_h; i++) {
		if (span_eq_icase_lit(sig->h[i], "from")) {
			from = true;
		}
	}
	if (!from) {
		return DKIM_R_FROM_NOT_SIGNED;
	}
	if (sig->auid.p == NULL) {
		/* Default i=: "@" followed by d= (§3.5). */
		sig->auid_domain = sig->d;
	} else if (!span_eq_icase(sig->auid_domain, sig->d)) {
		/* The i= domain must be d= or a subdomain of it. */
		struct span dom = sig->auid_domain;
		if (dom.len <= sig->d.len ||
		    !span_has_suffix_icase(dom, sig->d) ||
		    dom.p[dom.len - sig->d.len - 1] != '.') {
			return DKIM_R_AUID_NOT_IN_SDID;
		}
	}
	return times_ok(sig);
}

/* The DKIM-Signature rule table, in the order of §3.5.  Required tags: v a
 * b bh d h s. */
static const struct dkim_tag_rule dkim_rules[] = {
	{ "v", true, tag_v },
	{ "a", true, tag_a },
	{ "b", true, dkim__tag_b },
	{ "bh", true, dkim__tag_bh },
	{ "c", false, tag_c },
	{ "d", true, tag_d },
	{ "h", true, dkim__tag_h },
	{ "i", false, tag_i },
	{ "l", false, tag_l },
	{ "q", false, tag_q },
	{ "s", true, tag_s },
	{ "t", false, tag_t },
	{ "x", false, tag_x },
	{ "z", false, tag_z },
};

const struct dkim_sig_rules dkim_signature_rules = {
	dkim_rules,
	sizeof(dkim_rules) / sizeof(dkim_rules[0]),
	finish_dkim,
};

/* ---- ARC (RFC 8617 §4.1) ------------------------------------------------- */

static enum dkim_reason
tag_instance(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	uint64_t n;
	if (!span_parse_u64(v, &n, 2) || n < 1 || n > ARC_MAX_SETS) {
		return DKIM_R_BAD_INSTANCE;
	}
	sig->instance = (unsigned)n;
	return DKIM_R_OK;
}

static enum dkim_reason
tag_cv(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)a;
	/* §4.1.3: cv = "none" / "fail" / "pass", as written. */
	if (!span_eq(v, SPAN_LIT("none")) && !span_eq(v, SPAN_LIT("pass")) &&
	    !span_eq(v, SPAN_LIT("fail"))) {
		return DKIM_R_BAD_CV;
	}
	sig->cv = v;
	return DKIM_R_OK;
}

static enum dkim_reason
tag_seal_h(struct dkim_sig *sig, struct span v, struct arena *a)
{
	(void)sig;
	(void)v;
	(void)a;
	return DKIM_R_SEAL_H;
}

static enum dkim_reason
finish_ams(struct dkim_sig *sig, struct arena *a)
{
	(void)a;
	for (size_t i = 0; i < sig->num_h; i++) {
		if (span_eq_icase_lit(sig->h[i], "arc-seal")) {
			return DKIM_R_AMS_SIGNS_AS;
		}
	}
	/* No AUID: i= is the instance.  Key t=s then has nothing to
	 * object to. */
	sig->auid_domain = sig->d;
	/* Without c=, relaxed/relaxed: ARC signers write it and verifiers
	 * read it so (the ValiMail suite's ams_fields_c_na; python3-dkim),
	 * RFC 8617 §4.1.2 being silent on a default. */
	if (sig->c.p == NULL) {
		sig->hcanon = CANON_RELAXED;
		sig->bcanon = CANON_RELAXED;
	}
	return times_ok(sig);
}

static enum dkim_reason
finish_seal(struct dkim_sig *sig, struct arena *a)
{
	(void)a;
	sig->hcanon = CANON_RELAXED;
	sig->auid_domain = sig->d;
	return DKIM_R_OK;
}

/* The ARC-Message-Signature rules: DKIM's, i= an instance, no v=. */
static const struct dkim_tag_rule ams_rules[] = {
	{ "i", true, tag_instance },
	{ "a", true, tag_a },
	{ "b", true, dkim__tag_b },
	{ "bh", true, dkim__tag_bh },
	{ "c", false, tag_c },
	{ "d", true, tag_d },
	{ "h", true, dkim__tag_h },
	{ "l", false, tag_l },
	{ "q", false, tag_q },
	{ "s", true, tag_s },
	{ "t", false, tag_t },
	{ "x", false, tag_x },
	{ "z", false, tag_z },
};

const struct dkim_sig_rules arc_ams_rules = {
	ams_rules,
	sizeof(ams_rules) / sizeof(ams_rules[0]),
	finish_ams,
};

/* The ARC-Seal rules (§4.1.3). */
static const struct dkim_tag_rule seal_rules[] = {
	{ "i", true, tag_instance },
	{ "a", true, tag_a },
	{ "b", true, dkim__tag_b },
	{ "cv", true, tag_cv },
	{ "d", true, tag_d },
	{ "h", false, tag_seal_h },
	{ "s", true, tag_s },
	{ "t", false, tag_t },
};

const struct dkim_sig_rules arc_seal_rules = {
	seal_rules,
	sizeof(seal_rules) / sizeof(seal_rules[0]),
	finish_seal,
};

enum dkim_reason
dkim_sig_parse(struct dkim_sig *out, struct arena *a, const struct msg_field *f,
    const struct dkim_sig_rules *rules)
{
	memset(out, 0, sizeof(*out));
	out->field = f;
	out->hcanon = CANON_SIMPLE;
	out->bcanon = CANON_SIMPLE;
	if (tv_parse(&out->tags, f->value) != TV_OK) {
		return DKIM_R_SIG_SYNTAX;
	}
	/* Keep the identifying tags for the report even if a check fails. */
	const struct tv_tag *t;
	if ((t = tv_find(&out->tags, "d")) != NULL) {
		out->d = t->value;
	}
	if ((t = tv_find(&out->tags, "s")) != NULL) {
		out->s = t->value;
	}
	if ((t = tv_find(&out->tags, "a")) != NULL) {
		out->a = t->value;
	}
	if ((t = tv_find(&out->tags, "c")) != NULL) {
		out->c = t->value;
	}
	if ((t = tv_find(&out->tags, "b")) != NULL) {
		out->b_region = t->region;
	}
	for (size_t i = 0; i < rules->num_rules; i++) {
		const struct dkim_tag_rule *r = &rules->rules[i];
		t = tv_find(&out->tags, r->name);
		if (t == NULL) {
			if (r->required) {
				out->missing = r->name;
				return DKIM_R_MISSING_TAG;
			}
			continue;
		}
		enum dkim_reason why = r->parse(out, t->value, a);
		if (why != DKIM_R_OK) {
			return why;
		}
	}
	return rules->finish != NULL ? rules->finish(out, a) : DKIM_R_OK;
}

struct span
dkim_key_name(uint8_t *buf, size_t cap, struct span s, struct span d)
{
	static const char mid[] = "._domainkey.";
	size_t mid_len = sizeof(mid) - 1;
	if (s.len > DNS_MAX_NAME || d.len > DNS_MAX_NAME ||
	    s.len + mid_len + d.len > DNS_MAX_NAME ||
	    s.len + mid_len + d.len > cap) {
		return span_empty();
	}
	memcpy(buf, s.p, s.len);
	memcpy(buf + s.len, mid, mid_len);
	memcpy(buf + s.len + mid_len, d.p, d.len);
	return span_make(buf, s.len + mid_len + d.len);
}
