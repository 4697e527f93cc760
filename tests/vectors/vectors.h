/*
 * vectors.h - helpers for running third-party conformance data.
 *
 * The suites under tests/vectors/conformance/ give DNS data as lines of
 * "<name> <rdata>" and expectations as TSV.  These helpers turn the DNS
 * lines into RFC 1035 master-file text, so that every suite is served by
 * the real zone reader, and add the DNS failures a master file cannot say
 * (timeouts, SERVFAIL) through an overlay view.
 */
#ifndef AUTHSWEEP_TESTS_VECTORS_VECTORS_H
#define AUTHSWEEP_TESTS_VECTORS_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/dkim.h"
#include "canon/span.h"
#include "dns/view.h"
#include "dns/zone.h"

/* VEC_DIR is where the suites live, relative to the repository root. */
#define VEC_DIR "tests/vectors/conformance"

/* struct vec_dns is a zone plus a list of names that fail temporarily. */
struct vec_dns {
	struct zone *zone;
	struct dns_view zone_view;
	struct dns_view view; /* the overlay: use this one */
	char *tempfail[16];
	size_t num_tempfail;
};

/* vec_dns_init makes an empty DNS source. */
void vec_dns_init(struct vec_dns *d);

/* vec_dns_add_lines adds "<name> <rdata>" lines (comments with "#"):
 * rdata "NXDOMAIN" adds nothing, "~~Query timed out~~" and "~~SERVFAIL~~"
 * make the name fail temporarily, anything else is one TXT record.  The
 * lines go through the zone reader as master-file text.  Returns false if
 * the zone reader rejects them. */
bool vec_dns_add_lines(struct vec_dns *d, struct span lines);

/* vec_dns_cleanup frees everything. */
void vec_dns_cleanup(struct vec_dns *d);

/* struct vec_tsv walks the data rows of a TSV file: "#" lines and the
 * header row (the first row whose first field is "file") are skipped. */
struct vec_tsv {
	struct span rest;
};

/* vec_tsv_next stores up to |max| fields of the next row in |fields| and
 * their number in |*num|; returns false at the end. */
bool vec_tsv_next(
    struct vec_tsv *t, struct span *fields, size_t max, size_t *num);

/* vec_span_str copies |s| into |buf| (capacity |cap|) as a C string. */
const char *vec_span_str(char *buf, size_t cap, struct span s);

/* struct vec_result is what authsweep says about one message. */
struct vec_result {
	bool parsed;
	struct dkim_outcome out;
};

/* vec_verify parses and verifies |len| bytes at |p| at time |now| through
 * |dns|, with results in |a|.  The verifier and arena belong to the
 * caller. */
void vec_verify(struct vec_result *r, struct dkim_verifier *v, struct arena *a,
    const struct dns_view *dns, const uint8_t *p, size_t len, int64_t now);

/* vec_render writes "word/code" for a result into |buf|; for a policy
 * verdict whose signature was checked it appends "+pass" or "+fail". */
const char *vec_render(char *buf, size_t cap, const struct dkim_result *r);

#endif /* AUTHSWEEP_TESTS_VECTORS_VECTORS_H */
