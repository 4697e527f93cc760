/*
 * bodycanon.c - streaming body canonicalization, scalar reference
 * (RFC 6376 §3.4.3 simple, §3.4.4 relaxed; see bodycanon.h).
 *
 * The state machine sees three kinds of input: line endings (LF, or CR LF),
 * whitespace (SP, HTAB; special only in relaxed mode) and data (everything
 * else, a bare CR included).  Empty lines are counted rather than written,
 * because only a later data byte proves they are not trailing.
 */
#include "canon/bodycanon.h"

#include <string.h>

static const uint8_t crlf_run[64] =
    "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
    "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

void
bodycanon_init(
    struct bodycanon *bc, enum canon_mode mode, struct byte_sink sink)
{
	bc->mode = mode;
	bc->sink = sink;
	bc->out_len = 0;
	bc->pending_crlf = 0;
	bc->pending_cr = false;
	bc->pending_wsp = false;
	bc->line_started = false;
	bc->buf_len = 0;
}

static void
flush(struct bodycanon *bc)
{
	byte_sink_write(&bc->sink, bc->buf, bc->buf_len);
	bc->buf_len = 0;
}

static void
put(struct bodycanon *bc, const uint8_t *p, size_t n)
{
	bc->out_len += n;
	while (n > 0) {
		if (bc->buf_len == BODYCANON_BUF) {
			flush(bc);
		}
		size_t room = BODYCANON_BUF - bc->buf_len;
		size_t k = n < room ? n : room;
		memcpy(bc->buf + bc->buf_len, p, k);
		bc->buf_len += k;
		p += k;
		n -= k;
	}
}

/* begin_data is called before the first data byte of a run: it writes the
 * empty lines that are now known to be inner, and the SP that stands for a
 * run of WSP (relaxed). */
static void
begin_data(struct bodycanon *bc)
{
	if (!bc->line_started) {
		while (bc->pending_crlf > 0) {
			uint64_t k = bc->pending_crlf;
			if (k > sizeof(crlf_run) / 2) {
				k = sizeof(crlf_run) / 2;
			}
			put(bc, crlf_run, (size_t)k * 2);
			bc->pending_crlf -= k;
		}
		bc->line_started = true;
	}
	if (bc->pending_wsp) {
		put(bc, (const uint8_t *)" ", 1);
		bc->pending_wsp = false;
	}
}

static void
end_line(struct bodycanon *bc)
{
	/* Relaxed: WSP at the end of a line is deleted. */
	bc->pending_wsp = false;
	if (bc->line_started) {
		put(bc, crlf_run, 2);
		bc->line_started = false;
	} else {
		bc->pending_crlf++;
	}
}

static bool
is_special(const struct bodycanon *bc, uint8_t c)
{
	if (c == '\r' || c == '\n') {
		return true;
	}
	return bc->mode == CANON_RELAXED && span_is_wsp(c);
}

void
bodycanon_update(struct bodycanon *bc, const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint8_t c = p[i];
		if (bc->pending_cr) {
			bc->pending_cr = false;
			if (c == '\n') {
				end_line(bc);
				i++;
				continue;
			}
			/* A CR not followed by LF is data. */
			begin_data(bc);
			put(bc, (const uint8_t *)"\r", 1);
		}
		if (c == '\r') {
			bc->pending_cr = true;
			i++;
		} else if (c == '\n') {
			end_line(bc);
			i++;
		} else if (bc->mode == CANON_RELAXED && span_is_wsp(c)) {
			bc->pending_wsp = true;
			i++;
		} else {
			/* A run of data bytes goes out in one piece. */
			size_t j = i + 1;
			while (j < len && !is_special(bc, p[j])) {
				j++;
			}
			begin_data(bc);
			put(bc, p + i, j - i);
			i = j;
		}
	}
}

uint64_t
bodycanon_final(struct bodycanon *bc)
{
	if (bc->pending_cr) {
		bc->pending_cr = false;
		begin_data(bc);
		put(bc, (const uint8_t *)"\r", 1);
	}
	/* A last line without a line ending gets one. */
	if (bc->line_started) {
		put(bc, crlf_run, 2);
		bc->line_started = false;
	}
	/* Trailing empty lines (and, relaxed, trailing WSP) are dropped. */
	bc->pending_crlf = 0;
	bc->pending_wsp = false;
	/* Simple: an empty body is one CRLF (RFC 6376 §3.4.3). */
	if (bc->mode == CANON_SIMPLE && bc->out_len == 0) {
		put(bc, crlf_run, 2);
	}
	flush(bc);
	return bc->out_len;
}

uint64_t
bodycanon_span(enum canon_mode mode, struct byte_sink sink, struct span body)
{
	struct bodycanon bc;
	bodycanon_init(&bc, mode, sink);
	bodycanon_update(&bc, body.p, body.len);
	return bodycanon_final(&bc);
}

static void
limit_write(void *ctx, const uint8_t *p, size_t len)
{
	struct limit_sink *ls = ctx;
	if (ls->seen < ls->limit) {
		uint64_t room = ls->limit - ls->seen;
		size_t k = room < len ? (size_t)room : len;
		byte_sink_write(&ls->inner, p, k);
	}
	ls->seen += len;
}

void
limit_sink_init(struct limit_sink *ls, struct byte_sink inner, uint64_t limit)
{
	ls->inner = inner;
	ls->limit = limit;
	ls->seen = 0;
}

struct byte_sink
limit_sink_as_sink(struct limit_sink *ls)
{
	struct byte_sink s = { limit_write, ls };
	return s;
}

static void
tee_write(void *ctx, const uint8_t *p, size_t len)
{
	struct tee_sink *t = ctx;
	for (size_t i = 0; i < t->num_sinks; i++) {
		byte_sink_write(&t->sinks[i], p, len);
	}
}

bool
tee_sink_add(struct tee_sink *t, struct byte_sink s)
{
	if (t->num_sinks == BODYCANON_MAX_TEE) {
		return false;
	}
	t->sinks[t->num_sinks++] = s;
	return true;
}

struct byte_sink
tee_sink_as_sink(struct tee_sink *t)
{
	struct byte_sink s = { tee_write, t };
	return s;
}
