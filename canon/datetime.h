/*
 * datetime.h - RFC 5322 date-time parsing, for the arrival time of stored
 * mail.
 *
 * A message's arrival time is the date of its newest Received field: the
 * date-time after the last ";" of the field value (RFC 5321 §4.4, RFC 5322
 * §3.6.7).  Dates in stored mail are often sloppy, so the parser accepts the
 * obsolete forms of RFC 5322 §4.3 (two- and three-digit years, zone names
 * such as GMT, UT, EST, PDT and military letters, comments and extra white
 * space) and a missing day of the week.  It rejects anything it cannot read
 * without guessing.
 */
#ifndef AUTHSWEEP_CANON_DATETIME_H
#define AUTHSWEEP_CANON_DATETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "canon/msg.h"
#include "canon/span.h"

/* datetime_parse reads an RFC 5322 date-time from |in| (leading and trailing
 * CFWS allowed) and stores it as seconds since 1970-01-01T00:00:00Z in
 * |*out|.  It returns false if |in| is not a valid date-time or lies before
 * 1970. */
bool datetime_parse(struct span in, int64_t *out);

/* datetime_received returns, in |*out|, the newest date found in the
 * Received fields of |m|.  It returns false when no Received field carries a
 * date that parses. */
bool datetime_received(const struct msg *m, int64_t *out);

#endif /* AUTHSWEEP_CANON_DATETIME_H */
