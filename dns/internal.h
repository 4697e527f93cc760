/*
 * internal.h - declarations shared by the files of dns/ only.
 */
#ifndef AUTHSWEEP_DNS_INTERNAL_H
#define AUTHSWEEP_DNS_INTERNAL_H

#include <stdint.h>

#include "canon/span.h"
#include "dns/zone.h"

/* zone__store adds record data |rdata| of |type| at |owner| (lowercase, no
 * trailing dot) with |ttl|, creating the RRset and the owner's name markers
 * as needed.  It returns NULL, or a static English error; on error the zone
 * is unchanged. */
const char *zone__store(struct zone *z, struct span owner, uint16_t type,
    uint32_t ttl, struct span rdata);

/* zone__note_owner records that |owner| exists without storing a record
 * (for types that are read and dropped), so that lookups answer NODATA
 * rather than NXDOMAIN.  It returns NULL or a static English error. */
const char *zone__note_owner(struct zone *z, struct span owner);

#endif /* AUTHSWEEP_DNS_INTERNAL_H */
