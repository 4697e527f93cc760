/*
 * record.h - one result record per message, in the output formats.
 *
 * Formats (README.md, "Output", is the user-facing description):
 *
 * compact (default): one line per message, five TAB-separated columns
 *     path  offset  time  status  dkim
 *   path    the message file; bytes outside 0x21-0x7E and "%" are written
 *           as %XX.
 *   offset  byte offset inside an mbox, or "-".
 *   time    the evaluation time, seconds since the epoch.
 *   status  "ok", or "error:" and the reason (escaped like path).
 *   dkim    "-" when there is no DKIM-Signature, else one entry per field,
 *           top to bottom, separated by single spaces:
 *             result[/code]:d:s:alg:canon
 *           result is an RFC 8601 word; /code (see dkim_reason_code) is
 *           present unless the result is pass; alg is rsa1, rsa256,
 *           ed25519 or "?"; canon is two letters, header then body (s or
 *           r), or "?"; d and s are escaped like path, with ":" escaped
 *           too.  A final "+N" entry counts fields beyond the listing
 *           limit.
 *
 * jsonl: one JSON object per line; see record_jsonl.
 */
#ifndef AUTHSWEEP_ENGINE_RECORD_H
#define AUTHSWEEP_ENGINE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/arc.h"
#include "auth/dkim.h"

/* struct outbuf is a growable byte buffer with a sticky allocation
 * failure flag. */
struct outbuf {
	char *p;
	size_t len;
	size_t cap;
	bool failed;
};

void outbuf_put(struct outbuf *b, const void *p, size_t len);
void outbuf_puts(struct outbuf *b, const char *s);
void outbuf_printf(struct outbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void outbuf_free(struct outbuf *b);

enum time_source {
	TIME_GIVEN,    /* --now */
	TIME_RECEIVED, /* newest Received date */
	TIME_MTIME,    /* file modification time */
	TIME_FROM,     /* the date of the mbox separator line */
	TIME_NONE      /* unknown: the time is 0 */
};

/* struct record is what is known about one message. */
struct record {
	const char *path;
	int64_t offset;    /* -1 outside an mbox */
	const char *error; /* NULL when the message was evaluated */
	int64_t time;
	enum time_source time_source;
	const struct dkim_outcome *dkim; /* NULL when error is set */
	const struct arc_outcome *arc;   /* NULL when error is set */
};

enum record_format { FORMAT_COMPACT, FORMAT_JSONL };

/* record_write appends |r| in |fmt|, newline included, to |b|. */
void record_write(
    struct outbuf *b, enum record_format fmt, const struct record *r);

#endif /* AUTHSWEEP_ENGINE_RECORD_H */
