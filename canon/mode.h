/*
 * mode.h - the two canonicalization algorithms of RFC 6376 §3.4.
 */
#ifndef AUTHSWEEP_CANON_MODE_H
#define AUTHSWEEP_CANON_MODE_H

/* enum canon_mode names a header or body canonicalization algorithm. */
enum canon_mode {
	CANON_SIMPLE = 0, /* RFC 6376 §3.4.1 (header), §3.4.3 (body) */
	CANON_RELAXED = 1 /* RFC 6376 §3.4.2 (header), §3.4.4 (body) */
};

#endif /* AUTHSWEEP_CANON_MODE_H */
