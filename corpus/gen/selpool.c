/*
 * selpool.c - the numbered selector names of corpusgen --selectors N.
 *
 * A corpus signed under a few dozen selectors needs a few dozen DNS
 * lookups however large it is.  To measure lookups at scale (issue 4: ten
 * thousand distinct selectors behind a real DNS server), --selectors N
 * gives the signatures N distinct selector names instead.  Each name is
 * "<selector>-<number>": the number is unique in the corpus, and the name
 * publishes the same record as the selector it is named after (the same
 * key, or the same empty p= when that selector is revoked; no record when
 * it is deliberately absent), so every verdict stays what plan.c expects
 * and no new key is made.
 *
 * A number is bound to a selector when a signature first needs it: while
 * unbound numbers remain, each signature takes the next one, so the first
 * signatures of the corpus each name a new key; once all N are bound,
 * each selector reuses its own names in turn.  Numbers are held back so
 * that every selector not used yet can still get one.  The names depend
 * only on the order of the signatures, so --count still writes a prefix
 * of a larger corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/gen/gen.h"

struct selpool_sel {
	const struct domain *dom;
	const struct selector *sel;
	uint32_t *names; /* numbers bound to |sel|, in binding order */
	size_t num_names, cap;
	uint64_t uses; /* signatures that named |sel| */
};

/* each_selector calls |fn| on every selector of gen_domains, in a fixed
 * order. */
static void
each_selector(
    void (*fn)(void *arg, const struct domain *d, const struct selector *s),
    void *arg)
{
	for (size_t i = 0; i < DOM_NUM; i++) {
		const struct domain *d = &gen_domains[i];
		for (size_t k = 0; k < d->num_rsa; k++) {
			fn(arg, d, &d->rsa[k]);
		}
		for (size_t k = 0; k < d->num_ed; k++) {
			fn(arg, d, &d->ed[k]);
		}
		fn(arg, d, d->weak);
		fn(arg, d, d->revoked);
		fn(arg, d, d->absent);
	}
}

static void
count_one(void *arg, const struct domain *d, const struct selector *s)
{
	(void)d;
	(void)s;
	(*(uint32_t *)arg)++;
}

uint32_t
selpool_min(void)
{
	uint32_t n = 0;
	each_selector(count_one, &n);
	return n;
}

static void
add_one(void *arg, const struct domain *d, const struct selector *s)
{
	struct selpool *p = arg;
	p->sels[p->num_sels].dom = d;
	p->sels[p->num_sels].sel = s;
	p->num_sels++;
}

bool
selpool_init(struct selpool *p, uint32_t max)
{
	memset(p, 0, sizeof(*p));
	if (max == 0) {
		return true;
	}
	uint32_t n = selpool_min();
	p->sels = calloc(n, sizeof(*p->sels));
	p->owner = calloc(max, sizeof(*p->owner));
	if (p->sels == NULL || p->owner == NULL) {
		selpool_cleanup(p);
		return false;
	}
	each_selector(add_one, p);
	p->max = max;
	p->unseen = p->num_sels;
	return true;
}

static bool
bind_next(struct selpool *p, struct selpool_sel *e, size_t idx)
{
	if (e->num_names == e->cap) {
		size_t cap = e->cap == 0 ? 16 : 2 * e->cap;
		uint32_t *names = realloc(e->names, cap * sizeof(*names));
		if (names == NULL) {
			return false;
		}
		e->names = names;
		e->cap = cap;
	}
	if (e->num_names == 0) {
		p->unseen--;
	}
	p->owner[p->next] = (uint32_t)idx;
	e->names[e->num_names++] = p->next++;
	return true;
}

bool
selpool_name(struct selpool *p, struct sig_plan *s)
{
	if (p->max == 0) {
		return true;
	}
	size_t idx = 0;
	while (idx < p->num_sels && p->sels[idx].sel != s->sel) {
		idx++;
	}
	if (idx == p->num_sels) {
		return false; /* not a selector of gen_domains */
	}
	struct selpool_sel *e = &p->sels[idx];
	/* The invariant p->max - p->next >= p->unseen (selpool_init needs
	 * max >= num_sels) keeps a number for every unused selector. */
	uint32_t left = p->max - p->next;
	uint32_t n;
	if (e->num_names == 0 || left > p->unseen) {
		if (!bind_next(p, e, idx)) {
			return false;
		}
		n = e->names[e->num_names - 1];
	} else {
		n = e->names[e->uses % e->num_names];
	}
	e->uses++;
	(void)snprintf(s->s, sizeof(s->s), "%s-%05u", e->sel->name, n);
	return true;
}

void
selpool_zone(const struct selpool *p, const struct keyring *kr, struct gbuf *z)
{
	if (p->max == 0) {
		return;
	}
	gbuf_printf(z,
	    "\n; --selectors %u: numbered selectors, each publishing what the\n"
	    "; selector it is named after publishes (absent ones: nothing)\n",
	    p->max);
	for (uint32_t n = 0; n < p->next; n++) {
		const struct selpool_sel *e = &p->sels[p->owner[n]];
		if (e->sel->state == SEL_ABSENT) {
			continue;
		}
		gbuf_printf(z, "%s-%05u._domainkey.%s.\tIN\tTXT\t",
		    e->sel->name, n, e->dom->name);
		keys_txt(z, kr, e->sel, n);
	}
}

void
selpool_cleanup(struct selpool *p)
{
	for (size_t i = 0; i < p->num_sels; i++) {
		free(p->sels[i].names);
	}
	free(p->sels);
	free(p->owner);
	memset(p, 0, sizeof(*p));
}
