/*
 * hdrcanon.c - header field canonicalization (RFC 6376 §3.4.1 simple,
 * §3.4.2 relaxed; see hdrcanon.h).
 *
 * Relaxed values are copied in runs: blockscan_hdr finds, 64 bytes at a
 * time, the next byte that does not canonicalize to itself, and only the
 * whitespace and line breaks there go through scalar code.  The byte-level
 * version, hdrcanon_relaxed_ref, stays as the oracle.
 *
 * Output goes through a small stack buffer so that a sink sees one write per
 * field in the common case.
 */
#include "canon/hdrcanon.h"

#include <string.h>

#include "canon/blockscan.h"

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

/* ob_write appends |n| bytes; a run longer than the buffer goes to the
 * sink directly. */
static void
ob_write(struct outbuf *ob, const uint8_t *p, size_t n)
{
	if (n > HDRCANON_BUF - ob->len) {
		ob_flush(ob);
		if (n >= HDRCANON_BUF) {
			byte_sink_write(ob->sink, p, n);
			return;
		}
	}
	memcpy(ob->buf + ob->len, p, n);
	ob->len += n;
}

static void
put_name(struct outbuf *ob, struct span name)
{
	for (size_t i = 0; i < name.len; i++) {
		ob_put(ob, span_tolower(name.p[i]));
	}
	ob_put(ob, ':');
}

/* is_break says whether p[i] is part of a line break: an LF, or a CR
 * right before one.  Any other CR is data. */
static inline bool
is_break(const uint8_t *p, size_t i, size_t len)
{
	return p[i] == '\n' ||
	    (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n');
}

/* skip_gap returns the end of the run of WSP and line breaks at p[i],
 * setting *wsp when the run holds WSP. */
static size_t
skip_gap(const uint8_t *p, size_t i, size_t len, bool *wsp)
{
	for (; i < len; i++) {
		if (span_is_wsp(p[i])) {
			*wsp = true;
		} else if (!is_break(p, i, len)) {
			break;
		}
	}
	return i;
}

void
hdrcanon_relaxed(
    const struct byte_sink *sink, struct span name, struct span value)
{
	struct outbuf ob;
	ob.sink = sink;
	ob.len = 0;
	put_name(&ob, name);
	const uint8_t *p = value.p;
	size_t len = value.len;
	bool wsp = false;
	size_t i = skip_gap(p, 0, len, &wsp);
	while (i < len) {
		/* p[i] is data: copy up to the next byte that is not. */
		size_t k = blockscan_hdr(p, i + 1, len);
		ob_write(&ob, p + i, k - i);
		if (k == len) {
			break;
		}
		if (p[k] == '\r' && !is_break(p, k, len)) {
			i = k; /* a CR that is data */
			continue;
		}
		wsp = false;
		i = skip_gap(p, k, len, &wsp);
		if (i < len && wsp) {
			ob_put(&ob, ' ');
		}
	}
	ob_flush(&ob);
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
hdrcanon_relaxed_ref(
    const struct byte_sink *sink, struct span name, struct span value)
{
	struct outbuf ob;
	ob.sink = sink;
	ob.len = 0;
	put_name(&ob, name);
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
