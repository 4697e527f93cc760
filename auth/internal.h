/*
 * internal.h - declarations shared by the files of auth/ only.
 */
#ifndef AUTHSWEEP_AUTH_INTERNAL_H
#define AUTHSWEEP_AUTH_INTERNAL_H

#include "auth/dkim.h"

/* dkim__domain_ok reports whether |d| is an RFC 6376 domain-name: at least
 * two LDH labels (8-bit bytes allowed for U-labels). */
bool dkim__domain_ok(struct span d);

/* Tag handlers shared by the DKIM and ARC rule tables (see dkim_sig.c). */
enum dkim_reason dkim__tag_h(
    struct dkim_sig *sig, struct span v, struct arena *a);
enum dkim_reason dkim__tag_b(
    struct dkim_sig *sig, struct span v, struct arena *a);
enum dkim_reason dkim__tag_bh(
    struct dkim_sig *sig, struct span v, struct arena *a);

#endif /* AUTHSWEEP_AUTH_INTERNAL_H */
