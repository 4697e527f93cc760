/*
 * msg.h - zero-copy RFC 5322 message parser.
 *
 * msg_parse builds an index over a message held in memory: one entry per
 * header field (its name and its raw value, folding included) and the span
 * of the body.  Nothing is copied; every span points into the caller's
 * buffer, which must outlive the index.
 *
 * Line endings: a line ends at LF, and a CR immediately before that LF
 * belongs to the line ending.  So CRLF, LF-only and mixed storage all parse
 * the same way, and a bare CR is data.  NUL and 8-bit bytes are data.
 *
 * The header section ends at the first empty line.  A message without an
 * empty line is all header (the body is absent, which DKIM treats as an
 * empty body).  A header line that starts with neither WSP nor a field name
 * followed by a colon is indexed as a malformed field: it keeps its place
 * and bytes but can never be selected by name.
 */
#ifndef AUTHSWEEP_CANON_MSG_H
#define AUTHSWEEP_CANON_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "canon/arena.h"
#include "canon/span.h"

/* struct msg_field is one header field. */
struct msg_field {
	/* raw is the whole field from the first byte of its name to the end of
	 * its last line, excluding that line's terminator (CRLF or LF). */
	struct span raw;
	/* name is the field name: the bytes before the colon, without
	 * trailing WSP (RFC 5322 §4.5.3 obsolete syntax allows WSP before the
	 * colon).  For a malformed field it is empty. */
	struct span name;
	/* value is everything after the colon up to the end of raw, with
	 * folding line breaks kept as stored. */
	struct span value;
	/* malformed is set when the first line has no colon or an invalid
	 * field name. */
	bool malformed;
};

/* Flags describing how a message is stored. */
enum msg_flags {
	MSG_F_CRLF = 1 << 0,     /* some line ends in CRLF */
	MSG_F_LF = 1 << 1,       /* some line ends in a bare LF */
	MSG_F_NO_BODY = 1 << 2,  /* no empty line: headers only */
	MSG_F_MALFORMED = 1 << 3 /* at least one malformed header line */
};

/* struct msg is the index of one message. */
struct msg {
	struct span raw;          /* the whole message */
	struct msg_field *fields; /* in order, top to bottom; arena memory */
	size_t num_fields;
	/* body is the bytes after the empty line that ends the header section;
	 * empty when there is no such line. */
	struct span body;
	unsigned flags; /* enum msg_flags */
};

enum msg_status {
	MSG_OK,
	MSG_ERR_TOO_MANY_FIELDS, /* more than MSG_MAX_FIELDS header fields */
	MSG_ERR_NOMEM            /* the arena could not grow */
};

/* msg_parse indexes the |len| bytes at |p| into |*out|, allocating the field
 * array from |a|.  It succeeds for any input, including an empty one, except
 * when a limit is hit or memory runs out; |*out| is valid only on MSG_OK. */
enum msg_status msg_parse(
    struct msg *out, struct arena *a, const uint8_t *p, size_t len);

/* msg_status_str returns a short English description of |st|. */
const char *msg_status_str(enum msg_status st);

/* msg_field_is returns whether field |f| is named |name| (case-insensitive).
 * Malformed fields match no name. */
bool msg_field_is(const struct msg_field *f, struct span name);

#endif /* AUTHSWEEP_CANON_MSG_H */
