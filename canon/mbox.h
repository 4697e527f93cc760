/*
 * mbox.h - splitting an mbox stream into messages.
 *
 * An mbox is a sequence of messages, each preceded by a separator line that
 * begins with "From " (the "From_" line, e.g. "From alice@example.org Tue
 * Jul  1 10:00:00 2025").  Body lines that would look like a separator are
 * quoted with ">" by the writer, and the reader removes one ">":
 *
 *  - mboxrd: a line matching ^>+From  loses one ">" (so ">>From " becomes
 *    ">From "); the quoting is exactly reversible.
 *  - mboxo: only ^>From  loses its ">"; deeper quoting is left alone.
 *
 * The two differ only on lines starting with ">>From ".  No content tells
 * them apart reliably, so MBOX_AUTO reads as mboxrd, which is lossless for
 * mboxrd and for mboxo differs only on such lines.
 *
 * A separator is any line that begins with "From " (as in the common
 * readers).  The empty line that writers put between two messages is not
 * part of the message before it: when a separator follows an empty line,
 * that one empty line is dropped.  Bytes before the first separator (a file
 * that does not start with "From ") form a message of their own with
 * MBOX_F_NO_FROM set, so that nothing is lost.
 *
 * The splitter is streaming: the input may arrive in chunks of any size,
 * cut anywhere, and the output is the same.  It holds back at most one
 * partial line start (MBOX_MAX_PENDING bytes) and one empty line.  Line
 * endings may be LF or CRLF; they are passed through unchanged.
 */
#ifndef AUTHSWEEP_CANON_MBOX_H
#define AUTHSWEEP_CANON_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"

enum mbox_format {
	MBOX_AUTO = 0, /* read as mboxrd */
	MBOX_RD,
	MBOX_O
};

/* MBOX_MAX_PENDING bounds the bytes of a line start held back while the
 * splitter decides whether the line is a separator or a quoted one; a line
 * beginning with more ">" than fit is data, never unquoted. */
#define MBOX_MAX_PENDING 256

/* MBOX_MAX_FROM_LINE bounds the separator line kept for the callback; a
 * longer one is cut (it is not message data). */
#define MBOX_MAX_FROM_LINE 1024

enum mbox_msg_flags {
	MBOX_F_NO_FROM = 1 << 0 /* bytes before the first separator */
};

/* struct mbox_callbacks receives the messages in order.  For every message
 * there is one begin, any number of data calls, and one end. */
struct mbox_callbacks {
	/* begin: a message starts; |offset| is the stream offset of its
	 * separator line (of its first byte when MBOX_F_NO_FROM), |from_line|
	 * the separator without its line ending (empty when MBOX_F_NO_FROM),
	 * valid only during the call. */
	void (*begin)(
	    void *ctx, uint64_t offset, struct span from_line, unsigned flags);
	/* data: the next bytes of the message, unquoted. */
	void (*data)(void *ctx, const uint8_t *p, size_t len);
	/* end: the message is complete. */
	void (*end)(void *ctx);
	void *ctx;
};

/* struct mbox is caller-provided splitter state. */
struct mbox {
	enum mbox_format format;
	struct mbox_callbacks cb;
	uint64_t offset;    /* stream bytes consumed so far */
	bool in_message;    /* a begin has been sent without its end */
	bool at_line_start; /* the next byte starts a line */
	bool line_is_data;  /* the current line was classified as data */
	bool in_from_line;  /* inside a separator line */
	bool held_empty;    /* an empty line is held back */
	uint8_t held[2];    /* its line ending: "\n" or "\r\n" */
	size_t held_len;
	size_t pending_len; /* start of the current line, not yet classified */
	uint8_t pending[MBOX_MAX_PENDING];
	uint64_t pending_offset;
	size_t from_len; /* separator line collected so far */
	uint8_t from[MBOX_MAX_FROM_LINE];
	uint64_t from_offset;
};

/* mbox_init prepares |m| to split a stream of |format| into |cb|. */
void mbox_init(
    struct mbox *m, enum mbox_format format, struct mbox_callbacks cb);

/* mbox_feed passes the next |len| stream bytes. */
void mbox_feed(struct mbox *m, const uint8_t *p, size_t len);

/* mbox_finish ends the stream: the last message, if any, gets its end. */
void mbox_finish(struct mbox *m);

/* mbox_from_time reads the date of a separator line |from_line| ("From
 * <sender> <asctime date> [<zone or more>]", asctime being "Www Mmm dd
 * hh:mm:ss yyyy", taken as UTC) into |*out| as seconds since the epoch.
 * It returns false when there is no readable date. */
bool mbox_from_time(struct span from_line, int64_t *out);

/* mbox_looks_like reports whether |head|, the first bytes of a stream,
 * begins with a separator line: "From " followed by a sender. */
bool mbox_looks_like(struct span head);

#endif /* AUTHSWEEP_CANON_MBOX_H */
