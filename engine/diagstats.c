/*
 * diagstats.c - diagnoses by signing domain (see diagstats.h).
 */
#include "engine/diagstats.h"

#include <stdlib.h>
#include <string.h>

void
diag_events_add(struct diag_events *e, struct span d, enum dkim_diag diag)
{
	if (e->num == DIAG_EVENTS_MAX) {
		e->dropped++;
		return;
	}
	struct diag_event *ev = &e->ev[e->num++];
	size_t n = d.len < DIAG_DOMAIN_MAX ? d.len : DIAG_DOMAIN_MAX;
	for (size_t i = 0; i < n; i++) {
		ev->d[i] = (char)span_tolower(d.p[i]);
	}
	ev->len = (uint8_t)n;
	ev->diag = (uint8_t)diag;
}

struct entry {
	bool used;
	uint8_t len;
	char d[DIAG_DOMAIN_MAX];
	uint64_t total;
	uint64_t n[DKIM_DIAG_COUNT];
};

/* Open addressing; twice DIAG_TABLE_MAX slots keep the chains short. */
#define SLOTS (2 * DIAG_TABLE_MAX)

struct diag_table {
	size_t used;
	uint64_t total, dropped;
	struct entry other; /* domains past DIAG_TABLE_MAX */
	struct entry slots[SLOTS];
};

struct diag_table *
diag_table_new(void)
{
	struct diag_table *t = calloc(1, sizeof(*t));
	if (t != NULL) {
		memcpy(t->other.d, "(other domains)", 15);
		t->other.len = 15;
	}
	return t;
}

void
diag_table_free(struct diag_table *t)
{
	free(t);
}

static struct entry *
lookup(struct diag_table *t, const char *d, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (uint8_t)d[i]) * 0x100000001b3ULL;
	}
	for (size_t k = 0; k < SLOTS; k++) {
		struct entry *e = &t->slots[(h + k) % SLOTS];
		if (!e->used) {
			if (t->used == DIAG_TABLE_MAX) {
				return &t->other;
			}
			e->used = true;
			e->len = (uint8_t)len;
			memcpy(e->d, d, len);
			t->used++;
			return e;
		}
		if (e->len == len && memcmp(e->d, d, len) == 0) {
			return e;
		}
	}
	return &t->other;
}

void
diag_table_add(struct diag_table *t, const struct diag_events *e)
{
	t->dropped += e->dropped;
	for (size_t i = 0; i < e->num; i++) {
		const struct diag_event *ev = &e->ev[i];
		struct entry *x = lookup(t, ev->d, ev->len);
		if (ev->diag < DKIM_DIAG_COUNT) {
			x->n[ev->diag]++;
		}
		x->total++;
		t->total++;
	}
}

static int
by_total(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	if (x->total != y->total) {
		return x->total < y->total ? 1 : -1;
	}
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->d, y->d, n);
	return c != 0 ? c : (int)x->len - (int)y->len;
}

void
diag_table_print(const struct diag_table *t, FILE *f, size_t top)
{
	if (t->total == 0 && t->dropped == 0) {
		return;
	}
	const struct entry **list = malloc((t->used + 1) * sizeof(*list));
	if (list == NULL) {
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < SLOTS; i++) {
		if (t->slots[i].used) {
			list[n++] = &t->slots[i];
		}
	}
	if (t->other.total > 0) {
		list[n++] = &t->other;
	}
	qsort(list, n, sizeof(*list), by_total);
	fprintf(f, "  diagnoses: %llu signatures of %zu signing domains",
	    (unsigned long long)t->total, t->used);
	if (t->dropped > 0) {
		fprintf(f, " (and %llu not itemized)",
		    (unsigned long long)t->dropped);
	}
	fprintf(f, "%s\n", n > top ? ", the most diagnosed:" : ":");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct entry *e = list[i];
		fprintf(f, "    %.*s %llu:", (int)e->len, e->d,
		    (unsigned long long)e->total);
		const char *sep = " ";
		for (int d = 1; d < DKIM_DIAG_COUNT; d++) {
			if (e->n[d] > 0) {
				fprintf(f, "%s%s %llu", sep,
				    dkim_diag_code((enum dkim_diag)d),
				    (unsigned long long)e->n[d]);
				sep = ", ";
			}
		}
		fputc('\n', f);
	}
	free(list);
}
