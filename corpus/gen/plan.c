/*
 * plan.c - which signatures a message gets, which faults are applied after
 * signing, and the verdict authsweep must give each signature.
 *
 * Mix (per signature unless noted): about 5% of messages unsigned; of the
 * signed ones about 70% carry one signature, 26% two and 4% three.
 * rsa-sha256 over every RSA key size, ed25519-sha256 (about 15%, mostly
 * next to an rsa-sha256 signature of the same domain, as RFC 8463 §4
 * suggests), rsa-sha1 (about 2%, RFC 8301 §3.1: policy) and 512-bit keys
 * (about 1%, RFC 8301 §3.2: policy).  Faults: selector absent (nokey),
 * revoked selector, x= before arrival (expired), body changed (bh), signed
 * field changed or added (sig).
 *
 * The expected verdict follows the order in which RFC 6376 §6.1 evaluates
 * a signature, as auth/dkim.h documents it: the signature's own tags
 * (expiry) first, then the key, then the RFC 8301 policy, then the body
 * hash, then the header hash.
 */
#include <stdio.h>
#include <string.h>

#include "corpus/gen/gen.h"

const struct domain *
plan_origin(struct rng *r, bool signed_msg)
{
	if (!signed_msg && rng_permille(r, 500)) {
		return NULL;
	}
	unsigned k = rng_below(r, 100);
	enum domain_id d = k < 30 ? DOM_EXAMPLE_COM
	    : k < 50              ? DOM_MAIL_EXAMPLE_NET
	    : k < 70              ? DOM_NEWS_EXAMPLE_ORG
	    : k < 80              ? DOM_ESP_EXAMPLE
	                          : DOM_SHOP_EXAMPLE_CO_UK;
	return &gen_domains[d];
}

static bool
key_is_ed(enum key_id k)
{
	return k == KEY_ED25519A || k == KEY_ED25519B;
}

/* set_selector picks the selector and key of |s| for algorithm |s->alg|,
 * including the nokey and revoked faults. */
static void
set_selector(struct sig_plan *s, struct rng *r)
{
	const struct domain *d = s->dom;
	bool ed = s->alg == DKIM_ALG_ED25519_SHA256;
	const struct selector *live = ed
	    ? &d->ed[rng_below(r, (uint32_t)d->num_ed)]
	    : &d->rsa[rng_below(r, (uint32_t)d->num_rsa)];
	unsigned f = rng_below(r, 1000);
	if (f < 25) {
		s->sel = d->absent;
	} else if (f < 45) {
		s->sel = d->revoked;
	} else if (!ed && s->alg == DKIM_ALG_RSA_SHA256 && f < 57) {
		s->sel = d->weak; /* RFC 8301 §3.2 */
	} else {
		s->sel = live;
	}
	(void)snprintf(s->s, sizeof(s->s), "%s", s->sel->name);
	/* Absent and revoked selectors publish no key: sign with any key of
	 * the right type. */
	s->key = s->sel->state == SEL_LIVE ? s->sel->key : live->key;
	if (key_is_ed(s->key) != ed) {
		s->key = live->key;
	}
}

static void
set_canon(struct sig_plan *s, struct rng *r)
{
	unsigned k = rng_below(r, 100);
	s->hc = k < 70 ? CANON_RELAXED : CANON_SIMPLE;
	s->bc = (k < 50 || k >= 85) ? CANON_RELAXED : CANON_SIMPLE;
	s->cform = C_FULL;
	unsigned f = rng_below(r, 100);
	if (s->hc == CANON_RELAXED && s->bc == CANON_SIMPLE && f < 25) {
		s->cform = C_BARE; /* "c=relaxed" means relaxed/simple */
	} else if (s->hc == CANON_SIMPLE && s->bc == CANON_SIMPLE) {
		s->cform = f < 25 ? C_ABSENT : f < 35 ? C_BARE : C_FULL;
	}
}

/* set_tags chooses the optional tags and their layout. */
static void
set_tags(struct sig_plan *s, struct rng *r)
{
	const char *name = s->dom->name;
	size_t n = strlen(name);
	if (n >= sizeof(s->d)) {
		n = sizeof(s->d) - 1;
	}
	memcpy(s->d, name, n);
	s->d[n] = '\0';
	if (rng_permille(r, 10)) {
		/* Domain names are case-insensitive (RFC 4343). */
		for (size_t i = 0; i < n; i++) {
			if ((i == 0 || s->d[i - 1] == '.') && s->d[i] >= 'a' &&
			    s->d[i] <= 'z') {
				s->d[i] = (char)(s->d[i] - 'a' + 'A');
			}
		}
	}
	s->auid[0] = '\0';
	if (rng_permille(r, 150)) {
		static const char *const users[] = { "newsletter", "noreply",
			"j.doe", "billing" };
		static const char *const subs[] = { "mail", "bounce", "m" };
		if (rng_permille(r, 500)) {
			(void)snprintf(s->auid, sizeof(s->auid), "@%s", name);
		} else if (rng_permille(r, 500)) {
			const char *u = RNG_PICK(r, users);
			(void)snprintf(
			    s->auid, sizeof(s->auid), "%s@%s", u, name);
		} else {
			const char *u = RNG_PICK(r, users);
			const char *sub = RNG_PICK(r, subs);
			(void)snprintf(
			    s->auid, sizeof(s->auid), "%s@%s.%s", u, sub, name);
		}
	}
	s->has_t = !rng_permille(r, 100);
	unsigned x = rng_below(r, 1000);
	s->xk = x < 25 ? X_EXPIRED : x < 75 ? X_FAR : x < 125 ? X_WEEK : X_NONE;
	s->q = rng_permille(r, 200);
	s->extra_tag = rng_permille(r, 50);
	s->b_first = rng_permille(r, 50);
	s->compact = rng_permille(r, 50);
	s->trailing_sc = rng_permille(r, 80);
	s->h_caps = rng_permille(r, 100);
	s->h_spaced = rng_permille(r, 80);
}

/* plan_rsa makes |s| an RSA signature by |d|. */
static void
plan_rsa(struct sig_plan *s, struct rng *r, const struct domain *d)
{
	s->dom = d;
	s->alg = rng_permille(r, 25) ? DKIM_ALG_RSA_SHA1 : DKIM_ALG_RSA_SHA256;
	set_selector(s, r);
	set_canon(s, r);
	set_tags(s, r);
}

static void
plan_ed(struct sig_plan *s, struct rng *r, const struct domain *d)
{
	s->dom = d;
	s->alg = DKIM_ALG_ED25519_SHA256;
	set_selector(s, r);
	set_canon(s, r);
	set_tags(s, r);
}

/* plan_pair makes |a| and |b| the RSA and Ed25519 signatures of one
 * domain (RFC 8463 §4), with the same canonicalization, in random order. */
static void
plan_pair(struct sig_plan *a, struct sig_plan *b, struct rng *r,
    const struct domain *d)
{
	bool ed_first = rng_permille(r, 500);
	plan_rsa(ed_first ? b : a, r, d);
	plan_ed(ed_first ? a : b, r, d);
	b->hc = a->hc;
	b->bc = a->bc;
	b->cform = a->cform;
}

void
plan_message(struct msg_plan *p, struct rng *r, const struct domain *origin)
{
	memset(p, 0, sizeof(*p));
	p->fault_hdr = -1;
	if (origin == NULL) {
		return;
	}
	const struct domain *esp = &gen_domains[DOM_ESP_EXAMPLE];
	const struct domain *list = &gen_domains[DOM_NEWS_EXAMPLE_ORG];
	if (origin == esp) {
		esp = &gen_domains[DOM_MAIL_EXAMPLE_NET];
	}
	if (origin == list) {
		list = &gen_domains[DOM_EXAMPLE_COM];
	}
	unsigned k = rng_below(r, 1000);
	if (k < 700) {
		p->num_sigs = 1;
		if (rng_permille(r, 60)) {
			plan_ed(&p->sigs[0], r, origin);
		} else {
			plan_rsa(&p->sigs[0], r, origin);
		}
	} else if (k < 960) {
		p->num_sigs = 2;
		unsigned kind = rng_below(r, 100);
		if (kind < 45) {
			plan_pair(&p->sigs[0], &p->sigs[1], r, origin);
		} else {
			plan_rsa(&p->sigs[0], r, origin);
			if (kind < 85) {
				/* The ESP signs what it relays. */
				plan_rsa(&p->sigs[1], r, esp);
			} else {
				/* A mailing list re-signs. */
				plan_rsa(&p->sigs[1], r, list);
			}
		}
	} else {
		p->num_sigs = 3;
		plan_pair(&p->sigs[0], &p->sigs[1], r, origin);
		if (rng_permille(r, 500)) {
			plan_ed(&p->sigs[2], r, esp);
		} else {
			plan_rsa(&p->sigs[2], r, esp);
		}
	}
}

/* The h= candidates, in a common signing order. */
static const enum hdr_id h_order[] = { H_FROM, H_REPLY_TO, H_TO, H_CC,
	H_SUBJECT, H_DATE, H_MESSAGE_ID, H_IN_REPLY_TO, H_REFERENCES,
	H_MIME_VERSION, H_CONTENT_TYPE, H_CTE, H_LIST_ID, H_LIST_UNSUBSCRIBE,
	H_LIST_UNSUB_POST, H_KEYWORDS, H_RECEIVED, H_DKIM_SIGNATURE };

/* once_only reports whether |h| must be listed at most once and only when
 * present: more instances arrive on top after signing, and an extra
 * listing would select one of them. */
static bool
once_only(enum hdr_id h)
{
	return h == H_RECEIVED || h == H_DKIM_SIGNATURE;
}

#define NUM_H_ORDER (sizeof(h_order) / sizeof(h_order[0]))

static void
add_h(struct sig_plan *s, enum hdr_id h)
{
	if (s->num_h < PLAN_MAX_H) {
		s->h[s->num_h++] = hdr_names[h];
	}
}

static bool
has_h(const struct sig_plan *s, enum hdr_id h)
{
	for (size_t i = 0; i < s->num_h; i++) {
		if (s->h[i] == hdr_names[h]) {
			return true;
		}
	}
	return false;
}

static void
choose_h(struct sig_plan *s, struct rng *r, unsigned present)
{
	s->num_h = 0;
	enum hdr_id picked[NUM_H_ORDER + 1]; /* Keywords may appear twice */
	size_t n = 0;
	for (size_t i = 0; i < NUM_H_ORDER; i++) {
		enum hdr_id h = h_order[i];
		bool here = (present >> h) & 1u;
		if (once_only(h)) {
			if (here && rng_permille(r, 200)) {
				picked[n++] = h;
			}
		} else if (h == H_FROM || (here && !rng_permille(r, 150))) {
			picked[n++] = h;
			if (h == H_KEYWORDS && rng_permille(r, 500)) {
				picked[n++] = h; /* the bottom two */
			}
		} else if (h == H_SUBJECT && !here && rng_permille(r, 500)) {
			/* Listed although absent: no Subject may be added. */
			picked[n++] = h;
		} else if (!here && rng_permille(r, 40)) {
			picked[n++] = h;
		}
	}
	if (rng_permille(r, 300)) {
		/* Another signing order; From need not come first. */
		for (size_t i = n; i > 1; i--) {
			size_t j = rng_below(r, (uint32_t)i);
			enum hdr_id t = picked[i - 1];
			picked[i - 1] = picked[j];
			picked[j] = t;
		}
	}
	unsigned over = rng_below(r, 1000);
	for (size_t i = 0; i < n; i++) {
		add_h(s, picked[i]);
		if (over < 100 && !once_only(picked[i])) {
			add_h(s, picked[i]); /* "from:from:to:to:..." */
		}
	}
	if (over >= 100 && over < 200) {
		for (size_t i = 0; i < n; i++) {
			if (!once_only(picked[i])) {
				add_h(s, picked[i]); /* all again at the end */
			}
		}
	} else if (over >= 200 && over < 260) {
		add_h(s, H_FROM); /* only From over-signed */
	}
}

void
plan_sig_details(struct sig_plan *s, struct rng *r, int64_t t, int64_t arrival,
    unsigned present, bool body_has_text)
{
	s->t = t;
	if (s->xk == X_EXPIRED && (arrival - t < 3 || arrival - t > 1000000)) {
		/* Not reached: gen.c leaves at least 30 s and at most a day
		 * between signing and arrival. */
		s->xk = X_FAR;
	}
	switch (s->xk) {
	case X_EXPIRED:
		/* t < x < arrival: valid when signed, expired on arrival. */
		s->x =
		    t + 1 + (int64_t)rng_below(r, (uint32_t)(arrival - t - 2));
		break;
	case X_FAR:
		s->x = t + 86400 * (int64_t)rng_range(r, 5 * 365, 20 * 365);
		break;
	case X_WEEK:
		s->x = t + 7 * 86400;
		if (s->x <= arrival) {
			s->x = arrival + 7 * 86400;
		}
		break;
	case X_NONE:
		s->x = 0;
		break;
	}
	choose_h(s, r, present);
	s->has_l = body_has_text && rng_permille(r, 60);
}

static int
hdr_id_of(const char *name)
{
	for (int i = 0; i < H_NUM; i++) {
		if (hdr_names[i] == name) {
			return i;
		}
	}
	return -1;
}

void
plan_faults(
    struct msg_plan *p, struct rng *r, unsigned present, bool body_has_text)
{
	if (p->num_sigs == 0) {
		return;
	}
	bool any_l = false;
	for (size_t i = 0; i < p->num_sigs; i++) {
		any_l |= p->sigs[i].has_l;
	}
	p->footer = any_l && rng_permille(r, 500);
	p->fault_body = body_has_text && rng_permille(r, 40);
	if (!rng_permille(r, 60)) {
		return;
	}
	const struct sig_plan *s =
	    &p->sigs[rng_below(r, (uint32_t)p->num_sigs)];
	int absent[PLAN_MAX_H], here[PLAN_MAX_H];
	size_t num_absent = 0, num_here = 0;
	for (size_t i = 0; i < s->num_h; i++) {
		int id = hdr_id_of(s->h[i]);
		if (id < 0) {
			continue;
		}
		if (once_only((enum hdr_id)id)) {
			continue;
		}
		if ((present >> id) & 1u) {
			here[num_here++] = id;
		} else if (id != H_FROM) {
			absent[num_absent++] = id;
		}
	}
	if (num_absent > 0 && rng_permille(r, 300)) {
		/* A field the signature listed while absent is added. */
		p->fault_hdr = absent[rng_below(r, (uint32_t)num_absent)];
		p->fault_hdr_add = true;
	} else if (num_here > 0) {
		p->fault_hdr = here[rng_below(r, (uint32_t)num_here)];
	}
}

void
plan_expect(struct msg_plan *p, const struct keyring *kr)
{
	for (size_t i = 0; i < p->num_sigs; i++) {
		struct sig_plan *s = &p->sigs[i];
		bool rsa = s->alg != DKIM_ALG_ED25519_SHA256;
		const char *res = "pass", *code = "ok";
		if (s->xk == X_EXPIRED) {
			res = "permerror", code = "expired";
		} else if (s->sel->state == SEL_ABSENT) {
			res = "permerror", code = "nokey";
		} else if (s->sel->state == SEL_REVOKED) {
			res = "permerror", code = "revoked";
		} else if (s->alg == DKIM_ALG_RSA_SHA1) {
			res = "policy", code = "sha1";
		} else if (rsa && kr->bits[s->key] < 1024) {
			res = "policy", code = "key-small";
		} else if (p->fault_body || (p->footer && !s->has_l) ||
		    s->bug != DKIM_DIAG_NONE) {
			res = "fail", code = "bh";
		} else if (p->fault_hdr >= 0 && has_h(s, p->fault_hdr)) {
			res = "fail", code = "sig";
		}
		s->result = res;
		s->code = code;
	}
}

const char *
plan_c_text(const struct sig_plan *s)
{
	static const char *const full[2][2] = {
		{ "simple/simple", "simple/relaxed" },
		{ "relaxed/simple", "relaxed/relaxed" },
	};
	switch (s->cform) {
	case C_ABSENT:
		return "simple/simple";
	case C_BARE:
		return s->hc == CANON_RELAXED ? "relaxed" : "simple";
	case C_FULL:
		break;
	}
	return full[s->hc][s->bc];
}

const char *
plan_a_text(const struct sig_plan *s)
{
	switch (s->alg) {
	case DKIM_ALG_RSA_SHA1:
		return "rsa-sha1";
	case DKIM_ALG_ED25519_SHA256:
		return "ed25519-sha256";
	case DKIM_ALG_RSA_SHA256:
		break;
	}
	return "rsa-sha256";
}

bool
plan_sound(const struct sig_plan *s, const struct keyring *kr)
{
	bool rsa = s->alg != DKIM_ALG_ED25519_SHA256;
	return s->xk != X_EXPIRED && s->sel->state == SEL_LIVE &&
	    s->alg != DKIM_ALG_RSA_SHA1 && !(rsa && kr->bits[s->key] < 1024);
}

enum dkim_diag
plan_diag(const struct msg_plan *p, const struct sig_plan *s)
{
	/* No key, or expired: nothing is hashed, nothing diagnosed. */
	if (p->fault_body || s->xk == X_EXPIRED || s->sel->state != SEL_LIVE) {
		return DKIM_DIAG_NONE;
	}
	if (p->footer && !s->has_l) {
		/* A broken signer's hash is no prefix of anything. */
		return s->bug != DKIM_DIAG_NONE ? DKIM_DIAG_NONE
		                                : DKIM_DIAG_BODY_APPENDED;
	}
	if (s->bug != DKIM_DIAG_NONE) {
		return s->bug;
	}
	if (p->fault_hdr == H_SUBJECT && !p->fault_hdr_add &&
	    has_h(s, p->fault_hdr)) {
		return DKIM_DIAG_SUBJECT_TAG_ADDED;
	}
	return DKIM_DIAG_NONE;
}
