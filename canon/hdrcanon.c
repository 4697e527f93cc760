/*
 * hdrcanon.c - header field canonicalization, scalar reference
 * (RFC 6376 §3.4.1 simple, §3.4.2 relaxed; see hdrcanon.h).
 *
 * Output goes through a small stack buffer so that a sink sees one write per
 * field in the common case.
 */
#include "canon/hdrcanon.h"

#include <string.h>

#define HDRCANON_BUF 1024

struct outbuf {
	const struct byte_sink *sink;
	size_t len;
	uint8_t buf[HDRCANON_BUF];
};

static void
ob_flush(struct outbuf *ob)
{
	byte_sink_write(ob->sink, ob->buf, ob->len);
	ob->len = 0;
}

static void
ob_put(struct outbuf *ob, uint8_t c)
{
	if (ob->len == HDRCANON_BUF) {
		ob_flush(ob);
	}
	ob->buf[ob->len++] = c;
}

void
hdrcanon_simple(const struct byte_sink *sink, struct span raw)
{
	/* Write runs between LFs directly; only a bare LF needs a CR. */
	size_t start = 0;
	for (;;) {
		struct span rest = span_sub(raw, start, raw.len - start);
		size_t lf = span_find(rest, '\n');
		if (lf == rest.len) {
			byte_sink_write(sink, rest.p, rest.len);
			return;
		}
		byte_sink_write(sink, rest.p, lf);
		if (lf == 0 || rest.p[lf - 1] != '\r') {
			byte_sink_write(sink, "\r", 1);
		}
		byte_sink_write(sink, "\n", 1);
		start += lf + 1;
	}
}

void
hdrcanon_relaxed(
    const struct byte_sink *sink, struct span name, struct span value)
{
	struct outbuf ob;
	ob.sink = sink;
	ob.len = 0;
	for (size_t i = 0; i < name.len; i++) {
		ob_put(&ob, span_tolower(name.p[i]));
	}
	ob_put(&ob, ':');
	bool wsp = false;     /* a WSP run is pending */
	bool started = false; /* a value byte has been written */
	for (size_t i = 0; i < value.len; i++) {
		uint8_t c = value.p[i];
		if (c == '\n') {
			/* Unfold: a line break (LF, or the LF of CRLF) goes. */
			continue;
		}
		if (c == '\r' && i + 1 < value.len && value.p[i + 1] == '\n') {
			continue;
		}
		if (span_is_wsp(c)) {
			wsp = true;
			continue;
		}
		if (wsp && started) {
			ob_put(&ob, ' ');
		}
		wsp = false;
		started = true;
		ob_put(&ob, c);
	}
	ob_flush(&ob);
}

void
hdrcanon_field(const struct byte_sink *sink, enum canon_mode mode,
    const struct msg_field *f)
{
	if (mode == CANON_SIMPLE || f->malformed) {
		hdrcanon_simple(sink, f->raw);
	} else {
		hdrcanon_relaxed(sink, f->name, f->value);
	}
}
