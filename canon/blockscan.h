/*
 * blockscan.h - finding, 64 bytes at a time, where a run of body bytes
 * stops canonicalizing to itself (the fast path of bodycanon.c).
 *
 * For each 64-byte block the scanner builds one bit mask per kind of byte
 * that matters (SP, HTAB, CR, LF) and judges the block with shifts and
 * ands.  The masks come from SSE2, AVX2 or AVX-512BW, chosen once at
 * start-up from what the CPU has, or from portable C; all give the same
 * masks, and tests run every level the machine supports.
 */
#ifndef AUTHSWEEP_CANON_BLOCKSCAN_H
#define AUTHSWEEP_CANON_BLOCKSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/mode.h"

/* BLOCKSCAN_BYTES is the block size; runs shorter than this are left to
 * the caller's own scalar code. */
#define BLOCKSCAN_BYTES 64

/* struct blockscan_cache keeps the verdict on the last block judged, for
 * one buffer.  Initialize it with BLOCKSCAN_CACHE_INIT for each new
 * buffer. */
struct blockscan_cache {
	size_t start; /* SIZE_MAX when empty */
	size_t step;
	uint64_t bad;
	uint64_t carry; /* 1: the block ends in a CR the run takes */
};
#define BLOCKSCAN_CACHE_INIT                                                   \
	{                                                                      \
		SIZE_MAX, 0, 0, 0                                              \
	}

/* blockscan_run scans for |mode| from p[*pos], where a run starts: the
 * canonicalizer has a started line and holds nothing back.  It moves *pos
 * to the first byte the run must stop at and returns true, or, having
 * found none, moves *pos near the end, where BLOCKSCAN_BYTES + 3 bytes or
 * fewer are left (never between a CR and the LF it ends a line with), and
 * returns false.  The bytes before *pos canonicalize to themselves.
 *
 * A run never starts right after a CR; |c| may then carry a verdict from
 * an earlier call on the same buffer |p|. */
bool blockscan_run(enum canon_mode mode, const uint8_t *p, size_t *pos,
    size_t len, struct blockscan_cache *c);

/* blockscan_hdr scans p[pos..len), part of a header field value that
 * relaxed canonicalization (RFC 6376 §3.4.2) copies from p[pos] on, the
 * byte before p[pos] being data.  It returns the first position whose
 * byte is not copied as it is: an HTAB, CR or LF, or an SP followed by
 * SP, HTAB, CR, LF or the end of the value; |len| if there is none.  It
 * reads nothing outside p[pos..len). */
size_t blockscan_hdr(const uint8_t *p, size_t pos, size_t len);

/* enum blockscan_level names the instruction sets that build the masks. */
enum blockscan_level {
	BLOCKSCAN_PORTABLE = 0,
	BLOCKSCAN_SSE2 = 1,
	BLOCKSCAN_AVX2 = 2,
	BLOCKSCAN_AVX512 = 3
};

/* blockscan_supported says whether this build and CPU can use |level|. */
bool blockscan_supported(enum blockscan_level level);

/* blockscan_level returns the level in use: the best one supported,
 * unless blockscan_use changed it. */
enum blockscan_level blockscan_level(void);

/* blockscan_use switches to |level| if it is supported, returning whether
 * it did.  For tests and benchmarks; call it before any thread scans. */
bool blockscan_use(enum blockscan_level level);

/* blockscan_name returns "portable", "sse2", "avx2" or "avx512". */
const char *blockscan_name(enum blockscan_level level);

#endif /* AUTHSWEEP_CANON_BLOCKSCAN_H */
