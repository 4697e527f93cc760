/*
 * dkim_verify.c - verifying the DKIM signatures of one message
 * (RFC 6376 §6.1, §3.7; RFC 8463 §3; RFC 8301 §3).
 *
 * Signatures are checked in two phases.  First every evaluated signature is
 * parsed and its key fetched and checked; this settles most failures
 * without hashing anything.  Then the body is canonicalized once per body
 * canonicalization still needed, each pass feeding one running hash per
 * (canonicalization, hash) pair, whose snapshots serve the l= values, and
 * finally each signature's header hash is computed and its signature
 * checked.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/dkim.h"
#include "auth/internal.h"
#include "canon/bodycanon.h"
#include "canon/hdrcanon.h"

/* DKIM_BODY_SLOTS: distinct (canonicalization, hash, l=) requests per
 * message; at most one per evaluated signature, DKIM-Signature or
 * ARC-Message-Signature. */
#define DKIM_BODY_SLOTS (DKIM_MAX_SIGS_EVALUATED + ARC_MAX_AMS_EVALUATED)

struct dkim_verifier {
	struct pk_verifier *pk;
	struct digest hdr;
	struct digest body[2 * DIGEST_NUM_ALGS]; /* one per body group */
	struct digest snap;                      /* l= snapshots */
	const struct dkim_memo *memo;
	uint64_t memo_hits;
	uint64_t body_hits;
	bool no_diagnose;
};

void
dkim_verifier_set_diagnose(struct dkim_verifier *v, bool on)
{
	v->no_diagnose = !on;
}

void
dkim_verifier_set_memo(struct dkim_verifier *v, const struct dkim_memo *memo)
{
	v->memo = memo;
}

uint64_t
dkim_verifier_memo_hits(const struct dkim_verifier *v)
{
	return v->memo_hits;
}

uint64_t
dkim_verifier_body_hits(const struct dkim_verifier *v)
{
	return v->body_hits;
}

struct body_req {
	enum canon_mode bc;
	enum digest_alg alg;
	uint64_t limit;
	struct span bh; /* claimed by the first signature asking */
	bool from_memo; /* answered by the memo: not hashed */
	uint8_t out[DIGEST_MAX_BYTES];
	size_t out_len;
	uint64_t canon_len;
	bool ok;
};

/* struct pending is a signature that passed every check that needs no
 * hashing. */
struct pending {
	struct dkim_sig *sig;
	const struct dkim_key *key;
	struct dkim_result *res;
	size_t body; /* index into the body request table */
};

struct dkim_verifier *
dkim_verifier_new(void)
{
	struct dkim_verifier *v = calloc(1, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	v->pk = pk_verifier_new();
	bool ok =
	    v->pk != NULL && digest_init(&v->hdr) && digest_init(&v->snap);
	for (size_t i = 0; i < 2 * DIGEST_NUM_ALGS; i++) {
		ok = digest_init(&v->body[i]) && ok;
	}
	if (!ok) {
		dkim_verifier_free(v);
		return NULL;
	}
	return v;
}

void
dkim_verifier_free(struct dkim_verifier *v)
{
	if (v == NULL) {
		return;
	}
	pk_verifier_free(v->pk);
	digest_cleanup(&v->hdr);
	digest_cleanup(&v->snap);
	for (size_t i = 0; i < 2 * DIGEST_NUM_ALGS; i++) {
		digest_cleanup(&v->body[i]);
	}
	free(v);
}

bool
dkim_field_without_b(struct msg_field *out, struct arena *a,
    const struct msg_field *f, struct span b_region)
{
	size_t cut = (size_t)(b_region.p - f->raw.p);
	size_t tail = f->raw.len - cut - b_region.len;
	size_t n = f->raw.len - b_region.len;
	uint8_t *buf = arena_alloc(a, n == 0 ? 1 : n);
	if (buf == NULL) {
		return false;
	}
	memcpy(buf, f->raw.p, cut);
	memcpy(buf + cut, b_region.p + b_region.len, tail);
	/* The region lies inside the value, so the name and the start of the
	 * value keep their offsets. */
	size_t name_off = (size_t)(f->name.p - f->raw.p);
	size_t value_off = (size_t)(f->value.p - f->raw.p);
	out->raw = span_make(buf, n);
	out->name = span_make(buf + name_off, f->name.len);
	out->value = span_make(buf + value_off, n - value_off);
	out->malformed = f->malformed;
	return true;
}

static const uint8_t crlf[2] = { '\r', '\n' };

bool
dkim_hash_headers(struct digest *d, enum digest_alg alg, enum canon_mode hc,
    const struct msg *m, const struct span *names, size_t num_names,
    const struct msg_field *sig, struct arena *a, uint8_t *out, size_t *out_len)
{
	struct byte_sink sink = digest_sink(d);
	digest_begin(d, alg);
	return dkim_canon_headers(&sink, hc, m, names, num_names, sig, a) &&
	    digest_finish(d, out, out_len);
}

bool
dkim_canon_headers(const struct byte_sink *out, enum canon_mode hc,
    const struct msg *m, const struct span *names, size_t num_names,
    const struct msg_field *sig, struct arena *a)
{
	/* next[i] is where the bottom-up search for names[i] resumes: one
	 * past the field taken for the previous instance of the same name
	 * (§5.4.2: multiple instances are signed bottom-up). */
	size_t *next = arena_alloc(a, (num_names + 1) * sizeof(*next));
	if (next == NULL) {
		return false;
	}
	struct byte_sink sink = *out;
	for (size_t i = 0; i < num_names; i++) {
		size_t from = m->num_fields;
		for (size_t j = i; j-- > 0;) {
			if (span_eq_icase(names[j], names[i])) {
				from = next[j];
				break;
			}
		}
		next[i] = 0;
		for (size_t k = from; k-- > 0;) {
			const struct msg_field *f = &m->fields[k];
			if (f->name.len == names[i].len &&
			    msg_field_is(f, names[i])) {
				hdrcanon_field(&sink, hc, f);
				byte_sink_write(&sink, crlf, sizeof(crlf));
				next[i] = k;
				break;
			}
		}
		/* A name with no instance left is over-signed: it contributes
		 * nothing (§3.7), and so will later instances of it. */
	}
	if (sig != NULL) {
		hdrcanon_field(&sink, hc, sig);
	}
	return true;
}

bool
dkim_hash_body(struct digest *d, enum digest_alg alg, enum canon_mode bc,
    uint64_t limit, struct span body, uint8_t *out, size_t *out_len,
    uint64_t *canon_len)
{
	struct limit_sink ls;
	digest_begin(d, alg);
	limit_sink_init(&ls, digest_sink(d), limit);
	*canon_len = bodycanon_span(bc, limit_sink_as_sink(&ls), body);
	return digest_finish(d, out, out_len);
}

static void
set_result(struct dkim_result *r, enum auth_verdict v, enum dkim_reason why)
{
	r->verdict = v;
	r->reason = why;
}

/* set_error records an unusable signature: permerror, or temperror when
 * the cause was local (out of memory). */
static void
set_error(struct dkim_result *r, enum dkim_reason why)
{
	set_result(
	    r, why == DKIM_R_INTERNAL ? AUTH_TEMPERROR : AUTH_PERMERROR, why);
}

/* check_key applies the key record to the signature.  It returns false with
 * the result set when the signature cannot pass. */
bool
dkim__check_key(struct dkim_result *r, const struct dkim_sig *sig,
    const struct dns_view *dns, int64_t now, const struct dkim_key **out_key,
    bool *pending)
{
	uint8_t namebuf[DNS_MAX_NAME + 1];
	struct span name =
	    dkim_key_name(namebuf, sizeof(namebuf), sig->s, sig->d);
	if (name.len == 0) {
		set_result(r, AUTH_PERMERROR, DKIM_R_KEY_NAME);
		return false;
	}
	const struct dns_rrset *rr = dns_view_lookup(dns, name, DNS_T_TXT, now);
	if (rr->status == DNS_PENDING) {
		/* Placeholder only: the outcome is incomplete and will be
		 * evaluated again once the answer is in. */
		set_result(r, AUTH_TEMPERROR, DKIM_R_KEY_TEMPFAIL);
		r->detail = "pending";
		*pending = true;
		return false;
	}
	if (rr->status == DNS_TEMPFAIL) {
		set_result(r, AUTH_TEMPERROR, DKIM_R_KEY_TEMPFAIL);
		r->detail = rr->reason;
		return false;
	}
	if (rr->status != DNS_OK) {
		set_result(r, AUTH_PERMERROR, DKIM_R_NO_KEY);
		r->detail = rr->status == DNS_NXDOMAIN ? "NXDOMAIN" : "no TXT";
		return false;
	}
	const struct dkim_key *key = dkim_key_get(rr);
	if (key == NULL) {
		set_result(r, AUTH_TEMPERROR, DKIM_R_INTERNAL);
		return false;
	}
	r->testing = key->testing;
	r->key_bits = key->bits;
	r->key_type = key->type;
	enum dkim_reason why = key->error;
	if (why == DKIM_R_OK && key->type != sig->key_type) {
		why = DKIM_R_KEY_ALG_MISMATCH;
	} else if (why == DKIM_R_OK && !key->hash_allowed[sig->hash]) {
		why = DKIM_R_KEY_HASH;
	} else if (why == DKIM_R_OK && key->strict &&
	    !span_eq_icase(sig->auid_domain, sig->d)) {
		/* t=s: i= must not be a subdomain of d= (§3.6.1). */
		why = DKIM_R_KEY_STRICT;
	}
	if (why != DKIM_R_OK) {
		set_error(r, why);
		return false;
	}
	*out_key = key;
	return true;
}

/* policy_reason returns the RFC 8301 objection to a usable signature, or
 * DKIM_R_OK. */
enum dkim_reason
dkim__policy_reason(const struct dkim_sig *sig, const struct dkim_key *key)
{
	if (key->type == PUBKEY_RSA && key->bits > RSA_MAX_BITS) {
		return DKIM_R_KEY_TOO_LARGE;
	}
	if (sig->alg == DKIM_ALG_RSA_SHA1) {
		return DKIM_R_RSA_SHA1;
	}
	if (key->type == PUBKEY_RSA && key->bits < RSA_MIN_BITS) {
		return DKIM_R_KEY_TOO_SMALL;
	}
	return DKIM_R_OK;
}

/* add_body_req returns the index of the request for (bc, alg, limit),
 * adding it if new. */
static size_t
add_body_req(struct body_req *reqs, size_t *num, enum canon_mode bc,
    enum digest_alg alg, uint64_t limit, struct span bh)
{
	for (size_t i = 0; i < *num; i++) {
		if (reqs[i].bc == bc && reqs[i].alg == alg &&
		    reqs[i].limit == limit) {
			return i;
		}
	}
	struct body_req *r = &reqs[(*num)++];
	memset(r, 0, sizeof(*r));
	r->bc = bc;
	r->alg = alg;
	r->limit = limit;
	r->bh = bh;
	return *num - 1;
}

/* struct body_group is one running hash of a body canonicalization: one
 * per distinct (canonicalization, hash) among a message's signatures,
 * DKIM and ARC together.  Requests with an l= take a snapshot of the hash
 * when the canonical bytes reach their length, so a body is canonicalized
 * once per canonicalization and hashed once per (canonicalization, hash),
 * however many l= values there are.  Past the last snapshot, a group with
 * no request for the whole body stops hashing. */
struct body_group {
	struct digest *d;
	struct digest *snap;
	uint64_t seen;    /* canonical bytes written to the group */
	bool whole;       /* some request wants the whole body */
	size_t num, next; /* requests, sorted by limit; next to reach */
	struct body_req *reqs[DKIM_BODY_SLOTS];
};

/* group_take finishes the next request of |g|, whose limit the hash has
 * reached: from a snapshot, or from the running hash itself when nothing
 * needs it afterwards. */
static void
group_take(struct body_group *g)
{
	struct body_req *r = g->reqs[g->next++];
	struct digest *from = g->d;
	if (g->whole || g->next < g->num) {
		digest_copy(g->snap, g->d);
		from = g->snap;
	}
	r->ok = digest_finish(from, r->out, &r->out_len);
}

static void
group_write(void *ctx, const uint8_t *p, size_t n)
{
	struct body_group *g = ctx;
	while (g->next < g->num && g->reqs[g->next]->limit - g->seen <= n) {
		size_t k = (size_t)(g->reqs[g->next]->limit - g->seen);
		digest_update(g->d, p, k);
		p += k;
		n -= k;
		g->seen += k;
		group_take(g);
	}
	if (g->whole || g->next < g->num) {
		digest_update(g->d, p, n);
	}
	g->seen += n;
}

/* hash_bodies runs one canonicalization pass per body canonicalization in
 * use, feeding one hash per (canonicalization, hash) pair. */
static void
hash_bodies(struct dkim_verifier *v, struct body_req *reqs, size_t num,
    struct span body, uint64_t hashed[DIGEST_NUM_ALGS])
{
	struct body_group groups[2 * DIGEST_NUM_ALGS];
	size_t num_groups = 0;
	const struct dkim_memo *memo = v->memo;
	bool use_memo = memo != NULL && memo->body_find != NULL;
	for (size_t i = 0; use_memo && i < num; i++) {
		struct body_req *r = &reqs[i];
		r->from_memo =
		    memo->body_find(memo->ctx, r->bh, (int)r->bc, (int)r->alg,
		        r->limit, body, r->out, &r->out_len, &r->canon_len);
		r->ok = r->from_memo;
		v->body_hits += r->from_memo;
	}
	for (int mode = CANON_SIMPLE; mode <= CANON_RELAXED; mode++) {
		struct tee_sink tee = { .num_sinks = 0 };
		size_t first = num_groups;
		for (int alg = 0; alg < DIGEST_NUM_ALGS; alg++) {
			struct body_group *g = &groups[num_groups];
			*g = (struct body_group){ .d = &v->body[num_groups],
				.snap = &v->snap };
			for (size_t i = 0; i < num; i++) {
				struct body_req *r = &reqs[i];
				if (r->bc != (enum canon_mode)mode ||
				    r->alg != (enum digest_alg)alg ||
				    r->from_memo) {
					continue;
				}
				if (r->limit == UINT64_MAX) {
					g->whole = true;
					continue;
				}
				/* Insertion sort by limit: a handful. */
				size_t k = g->num++;
				while (
				    k > 0 && g->reqs[k - 1]->limit > r->limit) {
					g->reqs[k] = g->reqs[k - 1];
					k--;
				}
				g->reqs[k] = r;
			}
			if (!g->whole && g->num == 0) {
				continue;
			}
			digest_begin(g->d, (enum digest_alg)alg);
			(void)tee_sink_add(
			    &tee, (struct byte_sink){ group_write, g });
			num_groups++;
		}
		if (tee.num_sinks == 0) {
			continue;
		}
		uint64_t len = bodycanon_span(
		    (enum canon_mode)mode, tee_sink_as_sink(&tee), body);
		for (size_t gi = first; gi < num_groups; gi++) {
			struct body_group *g = &groups[gi];
			/* A limit of exactly the length is reached only when no
			 * byte was written at all (l=0 of an empty body). */
			while (g->next < g->num &&
			    g->reqs[g->next]->limit == g->seen) {
				group_take(g);
			}
			struct body_req whole = { .ok = false };
			if (g->whole) {
				whole.ok = digest_finish(
				    g->d, whole.out, &whole.out_len);
			}
			hashed[g->d->alg] += g->d->bytes;
			for (size_t i = 0; i < num; i++) {
				struct body_req *r = &reqs[i];
				if (r->bc != (enum canon_mode)mode ||
				    r->alg != g->d->alg || r->from_memo) {
					continue;
				}
				r->canon_len = len;
				if (r->limit == UINT64_MAX) {
					memcpy(
					    r->out, whole.out, whole.out_len);
					r->out_len = whole.out_len;
					r->ok = whole.ok;
				}
				/* A limit past the length was never reached:
				 * check_crypto reports it before any hash. */
				if (use_memo && r->ok) {
					memo->body_store(memo->ctx, r->bh,
					    (int)r->bc, (int)r->alg, r->limit,
					    body, r->out, r->out_len,
					    r->canon_len);
				}
			}
		}
	}
}

/* untagged_subject makes |*out| a copy of Subject field |f| without a
 * "[tag] " at the start of its value, as a mailing list adds one; false
 * when there is no such tag (or no memory). */
static bool
untagged_subject(
    struct msg_field *out, const struct msg_field *f, struct arena *a)
{
	struct span v = f->value;
	size_t k = 0;
	while (k < v.len && span_is_wsp(v.p[k])) {
		k++;
	}
	if (k == v.len || v.p[k] != '[') {
		return false;
	}
	size_t e = k + 1;
	while (e < v.len && v.p[e] != ']' && v.p[e] != '\r' && v.p[e] != '\n') {
		e++;
	}
	if (e + 1 >= v.len || v.p[e] != ']' || v.p[e + 1] != ' ') {
		return false;
	}
	size_t cut = (size_t)(v.p - f->raw.p) + k, drop = e + 2 - k;
	size_t n = f->raw.len - drop;
	uint8_t *buf = arena_alloc(a, n == 0 ? 1 : n);
	if (buf == NULL) {
		return false;
	}
	memcpy(buf, f->raw.p, cut);
	memcpy(buf + cut, f->raw.p + cut + drop, f->raw.len - cut - drop);
	*out = *f;
	out->raw = span_make(buf, n);
	out->name = span_make(buf + (f->name.p - f->raw.p), f->name.len);
	size_t voff = (size_t)(v.p - f->raw.p);
	out->value = span_make(buf + voff, n - voff);
	return true;
}

/* diagnose_header says whether |sig| verifies over |m| once a "[tag] " is
 * taken off the front of its signed Subject: the one header variant tried
 * (a public-key operation, for failed signatures only). */
static bool
diagnose_header(struct dkim_verifier *v, const struct dkim_sig *sig,
    const struct dkim_key *key, const struct msg *m,
    const struct msg_field *nob, struct arena *a)
{
	static const struct span subject = { (const uint8_t *)"Subject", 7 };
	struct msg copy = *m;
	copy.fields = arena_alloc(a, m->num_fields * sizeof(*m->fields) + 1);
	if (copy.fields == NULL) {
		return false;
	}
	bool changed = false;
	for (size_t i = 0; i < m->num_fields; i++) {
		copy.fields[i] = m->fields[i];
		if (!m->fields[i].malformed &&
		    span_eq_icase(m->fields[i].name, subject) &&
		    untagged_subject(&copy.fields[i], &m->fields[i], a)) {
			changed = true;
		}
	}
	uint8_t hh[DIGEST_MAX_BYTES];
	size_t hh_len;
	return changed &&
	    dkim_hash_headers(&v->hdr, sig->hash, sig->hcanon, &copy, sig->h,
	        sig->num_h, nob, a, hh, &hh_len) &&
	    dkim__check_signature(v, sig, key, span_make(hh, hh_len));
}

/* DIAG_MAX_REMOVALS bounds the fields diagnose_added takes away, one at a
 * time (each try costs a public-key operation). */
#define DIAG_MAX_REMOVALS 4

/* diagnose_added says whether |sig| verifies over |m| once one instance
 * of a field it signs, of a name |m| has more than once, is taken away:
 * a field added after signing (below the signed one, where the bottom-up
 * selection of RFC 6376 §5.4.2 takes it instead). */
static bool
diagnose_added(struct dkim_verifier *v, const struct dkim_sig *sig,
    const struct dkim_key *key, const struct msg *m,
    const struct msg_field *nob, struct arena *a)
{
	size_t tries = 0;
	for (size_t k = m->num_fields; k-- > 0 && tries < DIAG_MAX_REMOVALS;) {
		const struct msg_field *f = &m->fields[k];
		if (f->malformed || f->raw.p == sig->field->raw.p) {
			continue;
		}
		bool signed_name = false;
		for (size_t i = 0; i < sig->num_h && !signed_name; i++) {
			signed_name = msg_field_is(f, sig->h[i]);
		}
		size_t same = 0;
		for (size_t j = 0; j < m->num_fields && signed_name; j++) {
			same += !m->fields[j].malformed &&
			    span_eq_icase(m->fields[j].name, f->name);
		}
		if (same < 2) {
			continue;
		}
		tries++;
		struct msg copy = *m;
		copy.fields =
		    arena_alloc(a, m->num_fields * sizeof(*m->fields));
		if (copy.fields == NULL) {
			return false;
		}
		memcpy(copy.fields, m->fields, k * sizeof(*m->fields));
		memcpy(copy.fields + k, m->fields + k + 1,
		    (m->num_fields - k - 1) * sizeof(*m->fields));
		copy.num_fields = m->num_fields - 1;
		uint8_t hh[DIGEST_MAX_BYTES];
		size_t hh_len;
		if (dkim_hash_headers(&v->hdr, sig->hash, sig->hcanon, &copy,
		        sig->h, sig->num_h, nob, a, hh, &hh_len) &&
		    dkim__check_signature(v, sig, key, span_make(hh, hh_len))) {
			return true;
		}
	}
	return false;
}

/* check_crypto decides a pending signature once body hashes exist. */
static void
check_crypto(struct dkim_verifier *v, struct pending *p,
    const struct body_req *req, const struct msg *m, struct arena *a,
    uint64_t hashed[DIGEST_NUM_ALGS])
{
	struct dkim_result *r = p->res;
	const struct dkim_sig *sig = p->sig;
	r->body_len = req->canon_len;
	enum dkim_reason policy = r->reason;
	if (sig->has_l && sig->l > req->canon_len) {
		/* §3.5 l=: "This value MUST NOT be larger than the actual
		 * number of octets in the canonicalized message body."  (No
		 * hash reached that length.) */
		if (policy == DKIM_R_OK) {
			set_result(r, AUTH_PERMERROR, DKIM_R_LENGTH_EXCEEDS);
		}
		return;
	}
	if (!req->ok) {
		set_result(r, AUTH_TEMPERROR, DKIM_R_INTERNAL);
		return;
	}
	bool ok = !sig->bh_too_long && sig->bh_len == req->out_len &&
	    memcmp(sig->bh, req->out, req->out_len) == 0;
	enum dkim_reason why = DKIM_R_BODY_HASH;
	if (ok) {
		struct msg_field nob;
		uint8_t hh[DIGEST_MAX_BYTES];
		size_t hh_len;
		if (!dkim_field_without_b(&nob, a, sig->field, sig->b_region) ||
		    !dkim_hash_headers(&v->hdr, sig->hash, sig->hcanon, m,
		        sig->h, sig->num_h, &nob, a, hh, &hh_len)) {
			set_result(r, AUTH_TEMPERROR, DKIM_R_INTERNAL);
			return;
		}
		hashed[sig->hash] += v->hdr.bytes;
		int known = -1;
		ok = dkim__verify_memo(
		    v, sig, p->key, span_make(hh, hh_len), &known);
		r->pk_op = known < 0;
		why = DKIM_R_SIGNATURE;
		if (!ok && !v->no_diagnose &&
		    diagnose_header(v, sig, p->key, m, &nob, a)) {
			r->diag = DKIM_DIAG_SUBJECT_TAG_ADDED;
		} else if (!ok && !v->no_diagnose &&
		    diagnose_added(v, sig, p->key, m, &nob, a)) {
			r->diag = DKIM_DIAG_HEADER_ADDED;
		}
	} else if (!sig->bh_too_long && !v->no_diagnose) {
		r->diag = dkim__diagnose_body(&v->hdr, &v->snap, sig, m->body,
		    req->canon_len, &r->diag_bytes, &hashed[sig->hash]);
	}
	if (policy != DKIM_R_OK) {
		/* The policy verdict stands; record what the crypto said. */
		r->crypto_checked = true;
		r->crypto_ok = ok;
		if (!ok) {
			r->detail = why == DKIM_R_BODY_HASH
			    ? "body hash does not verify either"
			    : "signature does not verify either";
		}
		return;
	}
	if (ok) {
		set_result(r, AUTH_PASS, DKIM_R_OK);
	} else {
		set_result(r, AUTH_FAIL, why);
	}
}

/* prepare runs every check that needs no hashing.  It returns true when
 * the signature still needs its hashes checked. */
static bool
prepare(struct dkim_sig *sig, struct dkim_result *r, const struct msg_field *f,
    const struct dkim_sig_rules *rules, const struct dns_view *dns, int64_t now,
    struct arena *a, const struct dkim_key **key, bool *pending)
{
	enum dkim_reason why = dkim_sig_parse(sig, a, f, rules);
	r->d = sig->d;
	r->s = sig->s;
	r->a = sig->a;
	r->c = sig->c;
	r->auid = sig->auid;
	r->has_l = sig->has_l;
	r->l = sig->l;
	if (why == DKIM_R_MISSING_TAG) {
		r->detail = sig->missing;
	}
	if (why == DKIM_R_OK && sig->has_x && now >= 0 &&
	    (uint64_t)now > sig->x) {
		why = DKIM_R_EXPIRED;
	}
	if (why != DKIM_R_OK) {
		set_error(r, why);
		return false;
	}
	if (!dkim__check_key(r, sig, dns, now, key, pending)) {
		return false;
	}
	why = dkim__policy_reason(sig, *key);
	if (why != DKIM_R_OK) {
		set_result(r, AUTH_POLICY, why);
		if (why == DKIM_R_KEY_TOO_LARGE) {
			/* The cap exists to bound the cost: do not verify. */
			return false;
		}
	}
	return true;
}

bool
dkim__run(struct dkim_verifier *v, struct dkim__job *jobs, size_t num_jobs,
    const struct msg *m, const struct dns_view *dns, int64_t now,
    struct arena *a, uint64_t hashed[DIGEST_NUM_ALGS], bool *pending)
{
	struct pending *pend = arena_calloc(a, num_jobs + 1, sizeof(*pend));
	struct body_req *reqs = arena_calloc(a, DKIM_BODY_SLOTS, sizeof(*reqs));
	if (pend == NULL || reqs == NULL) {
		return false;
	}
	size_t num_pend = 0, num_reqs = 0;
	for (size_t i = 0; i < num_jobs && num_reqs < DKIM_BODY_SLOTS; i++) {
		struct dkim__job *j = &jobs[i];
		struct dkim_sig *sig = arena_alloc(a, sizeof(*sig));
		j->sig = sig;
		if (sig == NULL) {
			set_result(j->res, AUTH_TEMPERROR, DKIM_R_INTERNAL);
			continue;
		}
		const struct dkim_key *key = NULL;
		if (!prepare(sig, j->res, j->field, j->rules, dns, now, a, &key,
		        pending)) {
			continue;
		}
		struct pending *p = &pend[num_pend++];
		p->sig = sig;
		p->key = key;
		p->res = j->res;
		p->body = add_body_req(reqs, &num_reqs, sig->bcanon, sig->hash,
		    sig->has_l ? sig->l : UINT64_MAX,
		    span_make(sig->bh, sig->bh_len));
	}
	if (*pending) {
		/* Every key was asked for; no hashing until all are in. */
		return true;
	}
	hash_bodies(v, reqs, num_reqs, m->body, hashed);
	for (size_t i = 0; i < num_pend; i++) {
		check_crypto(v, &pend[i], &reqs[pend[i].body], m, a, hashed);
	}
	return true;
}

static const struct span dkim_sig_name = { (const uint8_t *)"DKIM-Signature",
	14 };

bool
dkim__collect(struct dkim_outcome *out, const struct msg *m, struct arena *a,
    struct dkim__job *jobs, size_t *num_jobs)
{
	memset(out, 0, sizeof(*out));
	size_t total = 0;
	for (size_t i = 0; i < m->num_fields; i++) {
		total += msg_field_is(&m->fields[i], dkim_sig_name);
	}
	if (total == 0) {
		return true;
	}
	size_t listed =
	    total < DKIM_MAX_SIGS_LISTED ? total : DKIM_MAX_SIGS_LISTED;
	out->sigs = arena_calloc(a, listed, sizeof(*out->sigs));
	if (out->sigs == NULL) {
		return false;
	}
	out->num_unlisted = total - listed;
	for (size_t i = 0; i < m->num_fields && out->num_sigs < listed; i++) {
		const struct msg_field *f = &m->fields[i];
		if (!msg_field_is(f, dkim_sig_name)) {
			continue;
		}
		struct dkim_result *r = &out->sigs[out->num_sigs++];
		r->field_index = i;
		if (out->num_sigs > DKIM_MAX_SIGS_EVALUATED) {
			/* Parse for the report only. */
			struct dkim_sig sig;
			(void)dkim_sig_parse(&sig, a, f, &dkim_signature_rules);
			r->d = sig.d;
			r->s = sig.s;
			r->a = sig.a;
			r->c = sig.c;
			set_result(r, AUTH_NEUTRAL, DKIM_R_SKIPPED);
			continue;
		}
		jobs[(*num_jobs)++] =
		    (struct dkim__job){ f, &dkim_signature_rules, r, NULL };
	}
	return true;
}

bool
dkim_verify(struct dkim_verifier *v, struct dkim_outcome *out,
    const struct msg *m, const struct dns_view *dns, int64_t now,
    struct arena *a)
{
	struct dkim__job jobs[DKIM_MAX_SIGS_EVALUATED];
	size_t num_jobs = 0;
	if (!dkim__collect(out, m, a, jobs, &num_jobs)) {
		return false;
	}
	return dkim__run(v, jobs, num_jobs, m, dns, now, a, out->hashed_bytes,
	    &out->pending);
}

struct digest *
dkim__header_digest(struct dkim_verifier *v)
{
	return &v->hdr;
}

bool
dkim__check_signature(struct dkim_verifier *v, const struct dkim_sig *sig,
    const struct dkim_key *key, struct span digest)
{
	struct span b = span_make(sig->b, sig->b_len);
	return sig->key_type == PUBKEY_ED25519
	    ? pk_verifier_ed25519(v->pk, key->pk, digest, b)
	    : pk_verifier_rsa(v->pk, key->pk, sig->hash, digest, b);
}

bool
dkim__verify_memo(struct dkim_verifier *v, const struct dkim_sig *sig,
    const struct dkim_key *key, struct span digest, int *known)
{
	struct span b = span_make(sig->b, sig->b_len);
	const struct dkim_memo *m = v->memo;
	*known =
	    m != NULL ? m->find(m->ctx, key, (int)sig->hash, digest, b) : -1;
	if (*known >= 0) {
		v->memo_hits++;
		return *known == 1;
	}
	bool ok = dkim__check_signature(v, sig, key, digest);
	if (m != NULL) {
		m->store(m->ctx, key, (int)sig->hash, digest, b, ok);
	}
	return ok;
}
