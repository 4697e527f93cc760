/*
 * bodycanon.h - streaming body canonicalization (RFC 6376 §3.4.3, §3.4.4).
 *
 * The canonicalizer takes the stored body in chunks of any size, cut at any
 * byte, and writes canonical bytes to a byte_sink.  It never copies the
 * whole body; it holds back only what the rules require: a CR that may start
 * a CRLF, a run of whitespace that may end a line (relaxed), and a count of
 * empty lines that may turn out to be trailing.
 *
 * Stored line endings: a line ends at LF, and a CR right before it is part
 * of the line ending, so LF-only storage canonicalizes exactly like CRLF
 * storage.  A CR not followed by LF is data.
 *
 * Rules, both modes: empty lines at the end of the body are removed, and a
 * body whose last line has no line ending gets a CRLF.
 *  - simple: an empty body (or one of only empty lines) becomes one CRLF.
 *  - relaxed: WSP at the end of each line is removed, every other run of
 *    WSP becomes one SP, and an empty body stays empty (RFC 6376 §3.4.4
 *    adds a CRLF only when "the body is non-empty").
 *
 * This is the scalar reference implementation: clear first, and the oracle
 * for faster versions.
 */
#ifndef AUTHSWEEP_CANON_BODYCANON_H
#define AUTHSWEEP_CANON_BODYCANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/mode.h"
#include "canon/span.h"

/* BODYCANON_BUF is the output batch size: canonical bytes reach the sink in
 * runs of up to this many bytes, so that a digest sees few large updates. */
#define BODYCANON_BUF 8192

/* struct bodycanon is caller-provided state; see bodycanon_init. */
struct bodycanon {
	enum canon_mode mode;
	struct byte_sink sink;
	uint64_t out_len;      /* canonical bytes produced so far */
	uint64_t pending_crlf; /* empty lines not yet known to be inner */
	bool pending_cr;       /* the last byte seen was CR */
	bool pending_wsp;      /* relaxed: WSP seen since the last data byte */
	bool line_started;     /* the current line has produced output */
	/* reference, when set after bodycanon_init, disables the fast copy of
	 * runs that canonicalize to themselves, leaving only the byte-level
	 * state machine: the oracle that tests and fuzzing compare with. */
	bool reference;
	size_t buf_len;
	uint8_t buf[BODYCANON_BUF];
};

/* bodycanon_init prepares |bc| to canonicalize with |mode| into |sink|. */
void bodycanon_init(
    struct bodycanon *bc, enum canon_mode mode, struct byte_sink sink);

/* bodycanon_update feeds the next |len| stored body bytes. */
void bodycanon_update(struct bodycanon *bc, const uint8_t *p, size_t len);

/* bodycanon_final ends the body, writes the remaining canonical bytes and
 * returns the canonical length.  |bc| must not be fed afterwards. */
uint64_t bodycanon_final(struct bodycanon *bc);

/* bodycanon_span canonicalizes the whole of |body| in one call and returns
 * the canonical length. */
uint64_t bodycanon_span(
    enum canon_mode mode, struct byte_sink sink, struct span body);

/* struct limit_sink forwards the first |limit| bytes written to it to
 * |inner| and counts the rest; it serves the l= tag. */
struct limit_sink {
	struct byte_sink inner;
	uint64_t limit; /* UINT64_MAX for no limit */
	uint64_t seen;  /* bytes written, including those past the limit */
};

/* limit_sink_init prepares |ls|; limit_sink_as_sink wraps it. */
void limit_sink_init(
    struct limit_sink *ls, struct byte_sink inner, uint64_t limit);
struct byte_sink limit_sink_as_sink(struct limit_sink *ls);

/* BODYCANON_MAX_TEE is the most sinks one tee feeds. */
#define BODYCANON_MAX_TEE 16

/* struct tee_sink writes every run to each of its sinks in order; it lets
 * one canonicalization pass feed several digests. */
struct tee_sink {
	struct byte_sink sinks[BODYCANON_MAX_TEE];
	size_t num_sinks;
};

/* tee_sink_add appends |s|; it returns false when the tee is full. */
bool tee_sink_add(struct tee_sink *t, struct byte_sink s);
struct byte_sink tee_sink_as_sink(struct tee_sink *t);

#endif /* AUTHSWEEP_CANON_BODYCANON_H */
