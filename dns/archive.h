/*
 * archive.h - keys as they were: dated zone snapshots (--keys-archive).
 *
 * An archive is a list of snapshots, each a master file that held from
 * its date on.  A lookup for evaluation time E is answered by the newest
 * snapshot whose date is not later than E, so old mail is verified with
 * the keys published when it arrived, not with today's.  A message older
 * than every snapshot gets no answer from the archive.
 *
 * Snapshots are read when first needed, through a loader the caller gives
 * (dns/ does no file I/O), and kept for the rest of the run: a run over
 * one day of mail reads one or two of them.  Loading takes a lock; other
 * threads that need the same snapshot wait for it, once.
 */
#ifndef AUTHSWEEP_DNS_ARCHIVE_H
#define AUTHSWEEP_DNS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"
#include "dns/view.h"
#include "dns/zone.h"

struct dns_archive;

/* dns_archive_load_fn fills |z| with snapshot |index| (in the order of
 * dns_archive_add calls).  On failure it returns false; the snapshot then
 * answers DNS_TEMPFAIL "keys snapshot unreadable" for the whole run. */
typedef bool dns_archive_load_fn(void *arg, size_t index, struct zone *z);

/* dns_archive_new returns an empty archive, or NULL when out of memory. */
struct dns_archive *dns_archive_new(dns_archive_load_fn *load, void *arg);

/* dns_archive_free releases |a| and its loaded snapshots; NULL accepted. */
void dns_archive_free(struct dns_archive *a);

/* dns_archive_add declares the next snapshot, holding from |from|
 * (seconds since the epoch).  Snapshots must be added in strictly
 * ascending order of |from|; false otherwise or when out of memory. */
bool dns_archive_add(struct dns_archive *a, int64_t from);

/* dns_archive_size returns how many snapshots were added. */
size_t dns_archive_size(const struct dns_archive *a);

/* dns_archive_find answers |name| and |type| from the snapshot for
 * |when|, or returns NULL when every snapshot is newer than |when|. */
const struct dns_rrset *dns_archive_find(
    struct dns_archive *a, struct span name, enum dns_type type, int64_t when);

/* struct dns_sources combines the sources of a run into one view, asked in
 * this order: the --keys zone (a name it holds is answered from it; any
 * name when it is the only source), the archive snapshot for the time,
 * then the shared cache (live DNS and --dns-cache).  Absent sources are
 * NULL. */
struct dns_cache;
struct dns_sources {
	struct zone *keys;
	struct dns_archive *archive;
	struct dns_cache *cache;
};

/* dns_sources_view returns a view over |s| (which must outlive it) that
 * records pending lookups in |waits|. */
struct dns_view dns_sources_view(
    const struct dns_sources *s, struct dns_waits *waits);

#endif /* AUTHSWEEP_DNS_ARCHIVE_H */
