/*
 * diagstats.h - which signers are broken, and how: diagnoses (issue 7)
 * counted by signing domain for the run's summary.
 *
 * Each batch collects its diagnoses as events (the worker fills them, with
 * no lock); the writer, one thread, adds them to the run's table in batch
 * order.  Both are bounded: a batch keeps DIAG_EVENTS_MAX events and counts
 * the rest; the table keeps DIAG_TABLE_MAX domains and pools the rest as
 * "(other domains)".
 */
#ifndef AUTHSWEEP_ENGINE_DIAGSTATS_H
#define AUTHSWEEP_ENGINE_DIAGSTATS_H

#include <stdint.h>
#include <stdio.h>

#include "auth/dkim.h"

#define DIAG_EVENTS_MAX 128
#define DIAG_DOMAIN_MAX 96 /* longer d= values are cut */
#define DIAG_TABLE_MAX 4096

struct diag_event {
	uint8_t diag; /* enum dkim_diag */
	uint8_t len;
	char d[DIAG_DOMAIN_MAX]; /* lowercase */
};

struct diag_events {
	size_t num;
	uint64_t dropped; /* events past DIAG_EVENTS_MAX */
	struct diag_event ev[DIAG_EVENTS_MAX];
};

/* diag_events_add records that a signature of |d| got |diag|. */
void diag_events_add(struct diag_events *e, struct span d, enum dkim_diag diag);

struct diag_table;

/* diag_table_new returns an empty table, or NULL when out of memory. */
struct diag_table *diag_table_new(void);

/* diag_table_free releases |t|; NULL is accepted. */
void diag_table_free(struct diag_table *t);

/* diag_table_add adds a batch's events. */
void diag_table_add(struct diag_table *t, const struct diag_events *e);

/* diag_table_print writes the summary lines (nothing when there was no
 * diagnosis): the total, then the |top| domains with the most diagnosed
 * signatures, each with its counts by code. */
void diag_table_print(const struct diag_table *t, FILE *f, size_t top);

#endif /* AUTHSWEEP_ENGINE_DIAGSTATS_H */
