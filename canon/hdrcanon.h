/*
 * hdrcanon.h - header field canonicalization (RFC 6376 §3.4.1, §3.4.2).
 *
 * Each function writes one canonical header field to a byte_sink, straight
 * from the stored bytes, without the trailing CRLF: DKIM appends CRLF after
 * every signed field but not after the signature field itself (§3.7).
 *
 *  - simple: the field exactly as stored, except that a stored bare LF (a
 *    folding line break in LF-only storage) is written as CRLF.
 *  - relaxed: the name in lowercase; line breaks in the value removed
 *    (unfolding); every run of WSP turned into one SP; WSP at the start and
 *    end of the value and around the colon removed.
 */
#ifndef AUTHSWEEP_CANON_HDRCANON_H
#define AUTHSWEEP_CANON_HDRCANON_H

#include "canon/mode.h"
#include "canon/msg.h"
#include "canon/span.h"

/* hdrcanon_simple writes |raw|, a whole field without its final line
 * ending, with bare LFs written as CRLF. */
void hdrcanon_simple(const struct byte_sink *sink, struct span raw);

/* hdrcanon_relaxed writes "name:value" in relaxed form from the field name
 * |name| and raw value |value| (everything after the colon). */
void hdrcanon_relaxed(
    const struct byte_sink *sink, struct span name, struct span value);

/* hdrcanon_relaxed_ref is hdrcanon_relaxed one byte at a time: the
 * scalar reference that tests and fuzzing compare the fast version with. */
void hdrcanon_relaxed_ref(
    const struct byte_sink *sink, struct span name, struct span value);

/* hdrcanon_field writes field |f| with |mode|. */
void hdrcanon_field(const struct byte_sink *sink, enum canon_mode mode,
    const struct msg_field *f);

#endif /* AUTHSWEEP_CANON_HDRCANON_H */
