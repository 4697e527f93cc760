/*
 * zone.h - DNS data from RFC 1035 master files.
 *
 * A struct zone holds the records of one or more master files (every
 * --keys FILE of a run) and answers lookups through a struct dns_view.  It
 * is the offline DNS source: a rescoring run over a zone snapshot can be
 * repeated exactly.
 *
 * Master-file syntax (RFC 1035 §5.1, with the usual BIND extensions):
 *  - $ORIGIN name, $TTL ttl.  $INCLUDE is refused (a snapshot is one
 *    self-contained file set).
 *  - An owner in the first column, or a blank first column for "same owner
 *    as before"; "@" for the origin; names without a final dot are relative
 *    to $ORIGIN (to the root when no $ORIGIN was given).
 *  - [TTL] [class] type rdata, or [class] [TTL] type rdata.  TTLs may use
 *    the units s, m, h, d, w (e.g. 1h30m).  Class IN (CH/HS/CS accepted and
 *    ignored).
 *  - Parentheses join lines; ";" starts a comment outside quotes.
 *  - TXT rdata: one or more character-strings, quoted or not, joined into
 *    one record.  Escapes \X and \DDD work inside and outside quotes.
 *  - Types stored: TXT, A, AAAA, MX, CNAME, PTR, NS.  SOA and other known
 *    types are parsed for syntax and otherwise ignored, as is the generic
 *    TYPEnnn form.
 *
 * Names are compared case-insensitively.  A name that owns no record of the
 * asked type gets DNS_NODATA if it owns other records or is an ancestor of
 * an owner (an empty non-terminal), and DNS_NXDOMAIN otherwise.
 *
 * The zone does no file I/O: engine/ reads files and passes their text.
 * After the last zone_add_text, the zone is read-only and may be shared
 * by any number of threads.
 */
#ifndef AUTHSWEEP_DNS_ZONE_H
#define AUTHSWEEP_DNS_ZONE_H

#include <stdbool.h>
#include <stddef.h>

#include "canon/span.h"
#include "dns/view.h"

struct zone;

/* struct zone_error describes the first error of a failed zone_add_text. */
struct zone_error {
	size_t line;      /* 1-based line where the failing entry starts */
	const char *what; /* static English text */
};

/* zone_new returns an empty zone, or NULL when out of memory. */
struct zone *zone_new(void);

/* zone_free releases |z| and every object attached to its answers; NULL
 * is accepted. */
void zone_free(struct zone *z);

/* zone_add_text parses the master-file text |text| and adds its records to
 * |z|.  On failure it returns false, fills |*err| and leaves |z| with the
 * records of the entries before the failing one.  |text| need not outlive
 * the call: the zone copies what it keeps. */
bool zone_add_text(struct zone *z, struct span text, struct zone_error *err);

/* struct zone_sink receives what master-file text holds, entry by entry,
 * as zone_parse reads it: the text need not go into a struct zone. */
struct zone_sink {
	/* record: a record of a stored type (TXT, A, AAAA, MX, CNAME, PTR,
	 * NS), its owner lowercase without the final dot and its data in
	 * the form dns/view.h describes. */
	const char *(*record)(void *arg, struct span owner, uint16_t type,
	    uint32_t ttl, struct span rdata);
	/* owner: a record of a type that is not stored: its owner exists. */
	const char *(*owner)(void *arg, struct span owner);
	/* meta: a line starting with ";@" in the first column, without the
	 * ";@" and the line end, and its 1-based line number.  NULL: such
	 * lines are plain comments. */
	const char *(*meta)(void *arg, struct span text, size_t line);
	void *arg;
};
/* Each callback returns NULL, or a static English error that stops the
 * parse and is reported as the error of the entry. */

/* zone_parse reads the master-file text |text| into |sink|.  It returns
 * false and fills |*err| at the first error. */
bool zone_parse(
    const struct zone_sink *sink, struct span text, struct zone_error *err);

/* zone_num_records returns how many records |z| holds. */
size_t zone_num_records(const struct zone *z);

/* zone_find returns the answer of |z| for |name| and |type|: the RRset, or
 * the zone's shared DNS_NODATA or DNS_NXDOMAIN answer (objects should be
 * attached only to DNS_OK answers).  Borrowed; valid as long as |z|. */
const struct dns_rrset *zone_find(
    const struct zone *z, struct span name, enum dns_type type);

/* zone_view returns a view answering from |z|; it is valid as long as |z|
 * is. */
struct dns_view zone_view(struct zone *z);

#endif /* AUTHSWEEP_DNS_ZONE_H */
