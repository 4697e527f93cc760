/*
 * arc.c - the ARC chain, verified together with DKIM (see arc.h).
 */
#include "auth/arc.h"

#include <string.h>

#include "auth/internal.h"
#include "canon/hdrcanon.h"

/* ARC_INSTANCE_DIGITS: enough digits to tell 51..999 ("too many sets")
 * from a malformed i=. */
#define ARC_INSTANCE_DIGITS 3

enum arc_kind { ARC_AAR, ARC_AMS, ARC_AS, ARC_NUM_KINDS };

static const struct span kind_names[ARC_NUM_KINDS] = {
	[ARC_AAR] = { (const uint8_t *)"ARC-Authentication-Results", 26 },
	[ARC_AMS] = { (const uint8_t *)"ARC-Message-Signature", 21 },
	[ARC_AS] = { (const uint8_t *)"ARC-Seal", 8 },
};

/* FIELD_NONE and FIELD_DUP mark an instance's slot for one kind. */
#define FIELD_NONE ((size_t)-1)
#define FIELD_DUP ((size_t)-2)

static const struct {
	const char *code, *text;
} arc_reasons[ARC_R_NUM] = {
	[ARC_OK] = { "ok", "chain verified" },
	[ARC_R_TOO_MANY] = { "too-many", "more than 50 ARC sets" },
	[ARC_R_INSTANCE] = { "instance", "an ARC field has no usable i=" },
	[ARC_R_DUPLICATE] = { "duplicate",
	    "two ARC fields of one kind for one instance" },
	[ARC_R_MISSING] = { "missing", "an ARC set lacks one of its fields" },
	[ARC_R_GAP] = { "gap", "ARC instances are not 1 to N" },
	[ARC_R_NEWEST_FAIL] = { "cv-fail", "the newest ARC-Seal says cv=fail" },
	[ARC_R_CV] = { "cv", "cv= is not none at i=1 and pass above" },
	[ARC_R_AMS] = { "ams",
	    "the newest ARC-Message-Signature does not verify" },
	[ARC_R_SEAL] = { "seal", "an ARC-Seal does not verify" },
};

const char *
arc_result_str(enum arc_result r)
{
	switch (r) {
	case ARC_PASS:
		return "pass";
	case ARC_FAIL:
		return "fail";
	default:
		return "none";
	}
}

const char *
arc_reason_code(enum arc_reason r)
{
	return (unsigned)r < ARC_R_NUM ? arc_reasons[r].code : "unknown";
}

const char *
arc_reason_text(enum arc_reason r)
{
	return (unsigned)r < ARC_R_NUM ? arc_reasons[r].text : "unknown";
}

/* ---- collecting the sets ------------------------------------------------- */

static void
skip_cfws(struct span *s)
{
	while (s->len > 0 &&
	    (s->p[0] == ' ' || s->p[0] == '\t' || s->p[0] == '\r' ||
	        s->p[0] == '\n')) {
		(void)span_skip(s, 1);
	}
}

/* read_number reads up to ARC_INSTANCE_DIGITS digits; 0 when there are
 * none, more, or the value is 0. */
static unsigned
read_number(struct span *s)
{
	unsigned n = 0;
	size_t k = 0;
	while (k < s->len && span_is_digit(s->p[k])) {
		if (k == ARC_INSTANCE_DIGITS) {
			return 0;
		}
		n = n * 10 + (unsigned)(s->p[k] - '0');
		k++;
	}
	(void)span_skip(s, k);
	return n;
}

/* aar_instance reads "i=N;" at the start of an AAR value (RFC 8617
 * §4.1.1) and leaves the rest, the RFC 8601 payload, in |*rest|. */
static unsigned
aar_instance(struct span v, struct span *rest)
{
	skip_cfws(&v);
	if (v.len == 0 || v.p[0] != 'i') {
		return 0;
	}
	(void)span_skip(&v, 1);
	skip_cfws(&v);
	if (v.len == 0 || v.p[0] != '=') {
		return 0;
	}
	(void)span_skip(&v, 1);
	skip_cfws(&v);
	unsigned n = read_number(&v);
	skip_cfws(&v);
	if (v.len == 0 || v.p[0] != ';') {
		return 0;
	}
	(void)span_skip(&v, 1);
	skip_cfws(&v);
	*rest = v;
	return n;
}

/* tag_instance_of reads i= of an AS or AMS tag list without checking the
 * rest; 0 when absent or malformed. */
static unsigned
tag_instance_of(const struct msg_field *f)
{
	struct tv_list tags;
	if (tv_parse(&tags, f->value) != TV_OK) {
		return 0;
	}
	const struct tv_tag *t = tv_find(&tags, "i");
	if (t == NULL) {
		return 0;
	}
	struct span v = t->value;
	unsigned n = read_number(&v);
	return v.len == 0 ? n : 0;
}

struct sets {
	size_t field[ARC_MAX_SETS + 1][ARC_NUM_KINDS];
	struct span aar[ARC_MAX_SETS + 1];
	unsigned n; /* highest instance seen */
	enum arc_reason bad;
};

/* arc_kind_of returns the ARC field kind of |f|, or -1. */
static int
arc_kind_of(const struct msg_field *f)
{
	for (int k = 0; k < ARC_NUM_KINDS; k++) {
		if (msg_field_is(f, kind_names[k])) {
			return k;
		}
	}
	return -1;
}

/* has_arc says whether |m| has any ARC field: most mail has none, and
 * then nothing else here runs. */
static bool
has_arc(const struct msg *m)
{
	for (size_t fi = 0; fi < m->num_fields; fi++) {
		/* "ARC-" first, so that other fields cost one comparison. */
		struct span n = m->fields[fi].name;
		if (n.len >= 8 &&
		    span_eq_icase_lit(span_make(n.p, 4), "arc-") &&
		    arc_kind_of(&m->fields[fi]) >= 0) {
			return true;
		}
	}
	return false;
}

static void
collect(struct sets *s, const struct msg *m)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i <= ARC_MAX_SETS; i++) {
		for (int k = 0; k < ARC_NUM_KINDS; k++) {
			s->field[i][k] = FIELD_NONE;
		}
	}
	for (size_t fi = 0; fi < m->num_fields; fi++) {
		const struct msg_field *f = &m->fields[fi];
		int kind = arc_kind_of(f);
		if (kind < 0) {
			continue;
		}
		struct span rest = span_empty();
		unsigned n = kind == ARC_AAR ? aar_instance(f->value, &rest)
		                             : tag_instance_of(f);
		if (n > ARC_MAX_SETS) {
			s->bad = s->bad ? s->bad : ARC_R_TOO_MANY;
			continue;
		}
		if (n == 0) {
			s->bad = s->bad ? s->bad : ARC_R_INSTANCE;
			continue;
		}
		size_t *slot = &s->field[n][kind];
		*slot = *slot == FIELD_NONE ? fi : FIELD_DUP;
		if (kind == ARC_AAR) {
			s->aar[n] = rest;
		}
		s->n = n > s->n ? n : s->n;
	}
}

/* structure checks RFC 8617 §5.2 step 3.1 and 3.2. */
static enum arc_reason
structure(const struct sets *s, unsigned *broken)
{
	for (unsigned i = 1; i <= s->n; i++) {
		bool none = true, some = false;
		for (int k = 0; k < ARC_NUM_KINDS; k++) {
			size_t f = s->field[i][k];
			if (f == FIELD_DUP) {
				*broken = i;
				return ARC_R_DUPLICATE;
			}
			none = none && f == FIELD_NONE;
			some = some || f == FIELD_NONE;
		}
		if (none) {
			*broken = i;
			return ARC_R_GAP;
		}
		if (some) {
			*broken = i;
			return ARC_R_MISSING;
		}
	}
	return ARC_OK;
}

/* ---- the seal ------------------------------------------------------------ */

static const uint8_t crlf[2] = { '\r', '\n' };

/* seal_hash hashes what the seal of instance |i| signs (§5.1.1). */
static bool
seal_hash(struct digest *d, const struct sets *s, const struct msg *m,
    const struct dkim_sig *sig, unsigned i, struct arena *a, uint8_t *out,
    size_t *out_len)
{
	struct byte_sink sink = digest_sink(d);
	digest_begin(d, sig->hash);
	for (unsigned j = 1; j <= i; j++) {
		hdrcanon_field(
		    &sink, CANON_RELAXED, &m->fields[s->field[j][ARC_AAR]]);
		byte_sink_write(&sink, crlf, sizeof(crlf));
		hdrcanon_field(
		    &sink, CANON_RELAXED, &m->fields[s->field[j][ARC_AMS]]);
		byte_sink_write(&sink, crlf, sizeof(crlf));
		const struct msg_field *as = &m->fields[s->field[j][ARC_AS]];
		if (j < i) {
			hdrcanon_field(&sink, CANON_RELAXED, as);
			byte_sink_write(&sink, crlf, sizeof(crlf));
		} else {
			struct msg_field nob;
			if (!dkim_field_without_b(&nob, a, as, sig->b_region)) {
				return false;
			}
			hdrcanon_field(&sink, CANON_RELAXED, &nob);
		}
	}
	return digest_finish(d, out, out_len);
}

static bool
seal_digest(struct dkim_verifier *v, const struct sets *s, const struct msg *m,
    const struct dkim_sig *sig, unsigned i, struct arena *a, uint8_t *out,
    size_t *out_len, uint64_t *hashed)
{
	struct digest *d = dkim__header_digest(v);
	bool ok = seal_hash(d, s, m, sig, i, a, out, out_len);
	*hashed += d->bytes;
	return ok;
}

bool
arc__seal_hash(struct digest *d, const struct msg *m, unsigned i,
    struct arena *a, uint8_t *out, size_t *out_len, enum digest_alg *alg)
{
	struct sets *s = arena_alloc(a, sizeof(*s));
	if (s == NULL) {
		return false;
	}
	collect(s, m);
	unsigned broken;
	if (s->bad != ARC_OK || i == 0 || i > s->n ||
	    structure(s, &broken) != ARC_OK) {
		return false;
	}
	struct dkim_sig sig;
	(void)dkim_sig_parse(
	    &sig, a, &m->fields[s->field[i][ARC_AS]], &arc_seal_rules);
	if (sig.b_region.p == NULL) {
		return false;
	}
	*alg = sig.hash;
	return seal_hash(d, s, m, &sig, i, a, out, out_len);
}

static void
fail_at(struct arc_outcome *o, enum arc_reason why, unsigned i)
{
	o->result = ARC_FAIL;
	o->reason = why;
	o->broken = i;
}

static void
seal_result(struct dkim_result *r, const struct dkim_sig *sig)
{
	r->d = sig->d;
	r->s = sig->s;
	r->a = sig->a;
}

bool
auth_verify(struct dkim_verifier *v, struct dkim_outcome *dkim,
    struct arc_outcome *arc, const struct msg *m, const struct dns_view *dns,
    int64_t now, struct arena *a)
{
	struct dkim__job jobs[DKIM_MAX_SIGS_EVALUATED + ARC_MAX_AMS_EVALUATED];
	size_t num_jobs = 0;
	memset(arc, 0, sizeof(*arc));
	if (!dkim__collect(dkim, m, a, jobs, &num_jobs)) {
		return false;
	}
	if (!has_arc(m)) {
		return dkim__run(v, jobs, num_jobs, m, dns, now, a,
		    dkim->hashed_bytes, &dkim->pending);
	}
	struct sets *s = arena_alloc(a, sizeof(*s));
	if (s == NULL) {
		return false;
	}
	collect(s, m);
	/* The chain fails from here on unless every step passes; the DKIM
	 * signatures are evaluated whatever happens. */
	arc->result = ARC_FAIL;
	unsigned n = s->n;
	const struct dkim_key **seal_keys =
	    arena_calloc(a, n + 1, sizeof(*seal_keys));
	struct dkim_sig **seals = arena_calloc(a, n + 1, sizeof(*seals));
	arc->inst = arena_calloc(a, n + 1, sizeof(*arc->inst));
	if (seal_keys == NULL || seals == NULL || arc->inst == NULL) {
		return false;
	}
	bool chain_ok = true;
	unsigned broken = 0;
	enum arc_reason why = ARC_OK;
	if (s->bad != ARC_OK) {
		chain_ok = false;
		why = s->bad;
	}
	/* Step 2: the newest seal's cv=. */
	size_t newest = n > 0 ? s->field[n][ARC_AS] : FIELD_NONE;
	if (chain_ok && newest != FIELD_NONE && newest != FIELD_DUP) {
		struct dkim_sig sig;
		(void)dkim_sig_parse(
		    &sig, a, &m->fields[newest], &arc_seal_rules);
		if (span_eq(sig.cv, SPAN_LIT("fail"))) {
			chain_ok = false;
			why = ARC_R_NEWEST_FAIL;
			broken = n;
		}
	}
	if (chain_ok) {
		why = structure(s, &broken);
		chain_ok = why == ARC_OK;
	}
	if (chain_ok) {
		arc->num_instances = n;
		for (unsigned i = 1; i <= n; i++) {
			struct arc_instance *in = &arc->inst[i - 1];
			in->i = i;
			in->aar = s->aar[i];
			in->aar_ok = authres_parse(
			    &in->aar_parsed, s->aar[i], a, &in->aar_why);
		}
	}
	/* Step 3.3 and the seals' keys, newest first, before any hashing. */
	for (unsigned i = n; chain_ok && i >= 1; i--) {
		struct arc_instance *in = &arc->inst[i - 1];
		struct dkim_sig *sig = arena_alloc(a, sizeof(*sig));
		if (sig == NULL) {
			return false;
		}
		seals[i] = sig;
		enum dkim_reason r = dkim_sig_parse(
		    sig, a, &m->fields[s->field[i][ARC_AS]], &arc_seal_rules);
		seal_result(&in->as, sig);
		in->cv = sig->cv;
		in->as_evaluated = true;
		if (r != DKIM_R_OK) {
			in->as.verdict = AUTH_PERMERROR;
			in->as.reason = r;
			in->as.detail =
			    r == DKIM_R_MISSING_TAG ? sig->missing : NULL;
			chain_ok = false;
			why = ARC_R_SEAL;
			broken = i;
			break;
		}
		const char *want = i == 1 ? "none" : "pass";
		if (!span_eq(sig->cv, span_make(want, 4))) {
			chain_ok = false;
			why = ARC_R_CV;
			broken = i;
			break;
		}
		if (!dkim__check_key(&in->as, sig, dns, now, &seal_keys[i],
		        &dkim->pending)) {
			if (!dkim->pending) {
				chain_ok = false;
				why = ARC_R_SEAL;
				broken = i;
				break;
			}
			continue;
		}
		enum dkim_reason policy =
		    dkim__policy_reason(sig, seal_keys[i]);
		if (policy != DKIM_R_OK) {
			in->as.verdict = AUTH_POLICY;
			in->as.reason = policy;
			chain_ok = false;
			why = ARC_R_SEAL;
			broken = i;
			break;
		}
	}
	/* Step 4 and 5: the AMSs, newest first, through the DKIM code. */
	unsigned lowest = 0;
	if (chain_ok) {
		lowest = n > ARC_MAX_AMS_EVALUATED
		    ? n - ARC_MAX_AMS_EVALUATED + 1
		    : 1;
		for (unsigned i = n; i >= lowest; i--) {
			struct arc_instance *in = &arc->inst[i - 1];
			in->ams.field_index = s->field[i][ARC_AMS];
			in->ams_evaluated = true;
			jobs[num_jobs++] = (struct dkim__job){
				&m->fields[s->field[i][ARC_AMS]],
				&arc_ams_rules, &in->ams, NULL
			};
		}
	}
	if (!dkim__run(v, jobs, num_jobs, m, dns, now, a, dkim->hashed_bytes,
	        &dkim->pending)) {
		return false;
	}
	if (dkim->pending) {
		return true;
	}
	if (!chain_ok) {
		fail_at(arc, why, broken);
		return true;
	}
	for (unsigned i = n; i >= lowest; i--) {
		if (arc->inst[i - 1].ams.verdict != AUTH_PASS) {
			break;
		}
		arc->oldest_pass = i;
	}
	if (arc->inst[n - 1].ams.verdict != AUTH_PASS) {
		fail_at(arc, ARC_R_AMS, n);
		return true;
	}
	/* Step 6: every seal, newest first. */
	for (unsigned i = n; i >= 1; i--) {
		struct arc_instance *in = &arc->inst[i - 1];
		uint8_t hh[DIGEST_MAX_BYTES];
		size_t hh_len;
		if (!seal_digest(v, s, m, seals[i], i, a, hh, &hh_len,
		        &dkim->hashed_bytes[seals[i]->hash])) {
			in->as.verdict = AUTH_TEMPERROR;
			in->as.reason = DKIM_R_INTERNAL;
			fail_at(arc, ARC_R_SEAL, i);
			return true;
		}
		int known;
		bool ok = dkim__verify_memo(
		    v, seals[i], seal_keys[i], span_make(hh, hh_len), &known);
		in->as.pk_op = known < 0;
		if (!ok) {
			in->as.verdict = AUTH_FAIL;
			in->as.reason = DKIM_R_SIGNATURE;
			fail_at(arc, ARC_R_SEAL, i);
			return true;
		}
		in->as.verdict = AUTH_PASS;
		in->as.reason = DKIM_R_OK;
	}
	arc->result = ARC_PASS;
	arc->reason = ARC_OK;
	return true;
}
