/*
 * msg.c - zero-copy RFC 5322 message parser (see msg.h).
 *
 * RFC 5322 §2.2: a header field is a name, a colon and a body; a line that
 * begins with WSP continues the previous field (§2.2.3, folding).  §2.1: the
 * header section ends at the first empty line.  Lines end at LF, with an
 * optional CR before it, so that LF-only storage needs no copy.
 */
#include "canon/msg.h"

#include <string.h>

#include "canon/limits.h"

/* ftext (RFC 5322 §3.6.8): printable US-ASCII except colon. */
static bool
is_ftext(uint8_t c)
{
	return c >= 33 && c <= 126 && c != ':';
}

static bool
valid_name(struct span name)
{
	if (name.len == 0) {
		return false;
	}
	for (size_t i = 0; i < name.len; i++) {
		if (!is_ftext(name.p[i])) {
			return false;
		}
	}
	return true;
}

/* start_field sets raw, name and malformed for a field whose first line is |line|
 * (without terminator). */
static void
start_field(struct msg_field *f, struct span line)
{
	f->raw = line;
	f->name = span_empty();
	f->value = span_empty();
	f->malformed = true;
	size_t colon = span_find(line, ':');
	if (colon == line.len) {
		return;
	}
	struct span name = span_sub(line, 0, colon);
	while (name.len > 0 && span_is_wsp(name.p[name.len - 1])) {
		name.len--;
	}
	if (!valid_name(name)) {
		return;
	}
	f->name = name;
	f->malformed = false;
}

static void
finish_field(struct msg_field *f)
{
	if (f->malformed) {
		return;
	}
	size_t off = (size_t)(f->name.p - f->raw.p);
	size_t colon =
	    off + span_find(span_sub(f->raw, off, f->raw.len - off), ':');
	f->value = span_sub(f->raw, colon + 1, f->raw.len - colon - 1);
}

static bool
grow(struct arena *a, struct msg *m, size_t *cap)
{
	size_t ncap = *cap == 0 ? 32 : *cap * 2;
	if (ncap > MSG_MAX_FIELDS) {
		ncap = MSG_MAX_FIELDS;
	}
	struct msg_field *nf = arena_realloc(
	    a, m->fields, *cap * sizeof(*m->fields), ncap * sizeof(*m->fields));
	if (nf == NULL) {
		return false;
	}
	m->fields = nf;
	*cap = ncap;
	return true;
}

enum msg_status
msg_parse(struct msg *out, struct arena *a, const uint8_t *p, size_t len)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.raw = span_make(p, len);
	size_t cap = 0;
	size_t pos = 0;
	struct msg_field *cur = NULL;

	for (;;) {
		if (pos == len) {
			m.flags |= MSG_F_NO_BODY;
			m.body = span_make(len == 0 ? p : p + len, 0);
			break;
		}
		const uint8_t *lf = memchr(p + pos, '\n', len - pos);
		size_t next = lf == NULL ? len : (size_t)(lf - p) + 1;
		size_t end = lf == NULL ? len : (size_t)(lf - p);
		if (lf != NULL) {
			if (end > pos && p[end - 1] == '\r') {
				end--;
				m.flags |= MSG_F_CRLF;
			} else {
				m.flags |= MSG_F_LF;
			}
		}
		struct span line = span_make(p + pos, end - pos);

		if (line.len == 0 && lf != NULL) {
			/* The empty line: the body follows it. */
			m.body = span_make(p + next, len - next);
			break;
		}
		if (cur != NULL && span_is_wsp(line.p[0])) {
			/* Continuation: extend the field to this line's end. */
			cur->raw.len = end - (size_t)(cur->raw.p - p);
		} else {
			if (cur != NULL) {
				finish_field(cur);
			}
			if (m.num_fields == MSG_MAX_FIELDS) {
				return MSG_ERR_TOO_MANY_FIELDS;
			}
			if (m.num_fields == cap && !grow(a, &m, &cap)) {
				return MSG_ERR_NOMEM;
			}
			cur = &m.fields[m.num_fields++];
			start_field(cur, line);
			if (cur->malformed) {
				m.flags |= MSG_F_MALFORMED;
			}
		}
		pos = next;
	}
	if (cur != NULL) {
		finish_field(cur);
	}
	*out = m;
	return MSG_OK;
}

const char *
msg_status_str(enum msg_status st)
{
	switch (st) {
	case MSG_OK:
		return "ok";
	case MSG_ERR_TOO_MANY_FIELDS:
		return "too many header fields";
	case MSG_ERR_NOMEM:
		return "out of memory";
	}
	return "unknown";
}

bool
msg_field_is(const struct msg_field *f, struct span name)
{
	return !f->malformed && span_eq_icase(f->name, name);
}
