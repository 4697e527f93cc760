/*
 * fuzz_mbox.c - the streaming mbox splitter on arbitrary bytes.
 *
 * The first input byte picks the format (its value mod 3) and a chunk size
 * (its top six bits, plus one); the rest is the stream.  The stream is
 * split whole, in chunks of that size, and one byte at a time; all three
 * must give the same messages (offsets, From lines, flags, data).  Checked
 * invariants: every begin has one end, offsets are strictly increasing and
 * inside the stream, no data call is empty, the data and From lines
 * together are no longer than the stream, only the first message may lack
 * a From line (and then starts at offset 0), and every From line begins
 * with "From " and fits MBOX_MAX_FROM_LINE.  A stream that
 * mbox_looks_like accepts starts with a From line, and every date that
 * mbox_from_time reads from a From line lies in 1970..9999.
 *
 * For mboxrd (and MBOX_AUTO, which reads as mboxrd) the quoting is
 * reversible, so the messages are quoted again and written out as a new
 * mbox (From line, CRLF, data, and the empty line a writer puts before the
 * next separator); splitting that must give the same messages.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canon/mbox.h"
#include "tests/fuzz/fuzz.h"

struct rec_msg {
	uint64_t offset;
	unsigned flags;
	size_t from_off, from_len;
	size_t data_off, data_len;
};

/* struct rec records a split: the messages, and all their data and From
 * line bytes in two buffers. */
struct rec {
	struct rec_msg *msgs;
	size_t num_msgs, max_msgs;
	uint8_t *data;
	size_t data_len, data_cap;
	uint8_t *from;
	size_t from_len, from_cap;
	bool open;
};

static void
rec_begin(void *ctx, uint64_t offset, struct span from_line, unsigned flags)
{
	struct rec *r = ctx;
	FUZZ_CHECK(!r->open && r->num_msgs < r->max_msgs);
	FUZZ_CHECK(from_line.len <= MBOX_MAX_FROM_LINE);
	FUZZ_CHECK(from_line.len <= r->from_cap - r->from_len);
	struct rec_msg *g = &r->msgs[r->num_msgs++];
	g->offset = offset;
	g->flags = flags;
	g->from_off = r->from_len;
	g->from_len = from_line.len;
	if (from_line.len > 0) {
		memcpy(r->from + r->from_len, from_line.p, from_line.len);
		r->from_len += from_line.len;
	}
	g->data_off = r->data_len;
	g->data_len = 0;
	r->open = true;
}

static void
rec_data(void *ctx, const uint8_t *p, size_t len)
{
	struct rec *r = ctx;
	FUZZ_CHECK(r->open && len > 0 && len <= r->data_cap - r->data_len);
	memcpy(r->data + r->data_len, p, len);
	r->data_len += len;
	r->msgs[r->num_msgs - 1].data_len += len;
}

static void
rec_end(void *ctx)
{
	struct rec *r = ctx;
	FUZZ_CHECK(r->open);
	r->open = false;
}

/* rec_new prepares a recorder for a stream of |len| bytes: data and From
 * lines are parts of the stream, and each message but the first takes at
 * least 5 bytes. */
static void
rec_new(struct rec *r, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->max_msgs = len / 5 + 2;
	r->msgs = malloc(r->max_msgs * sizeof(*r->msgs));
	r->data_cap = len;
	r->data = malloc(len + 1);
	r->from_cap = len;
	r->from = malloc(len + 1);
	FUZZ_CHECK(r->msgs != NULL && r->data != NULL && r->from != NULL);
}

static void
rec_free(struct rec *r)
{
	free(r->msgs);
	free(r->data);
	free(r->from);
}

/* split runs the splitter over |len| bytes at |p| in chunks of |chunk|
 * bytes (all at once when |chunk| is 0) and records the result. */
static void
split(struct rec *r, enum mbox_format format, const uint8_t *p, size_t len,
    size_t chunk)
{
	rec_new(r, len);
	struct mbox m;
	struct mbox_callbacks cb = { rec_begin, rec_data, rec_end, r };
	mbox_init(&m, format, cb);
	mbox_feed(&m, NULL, 0);
	if (chunk == 0) {
		chunk = len;
	}
	for (size_t off = 0; off < len; off += chunk) {
		mbox_feed(&m, p + off, len - off < chunk ? len - off : chunk);
	}
	mbox_finish(&m);
	FUZZ_CHECK(!r->open);
}

/* check_invariants checks what holds for any split of |len| bytes. */
static void
check_invariants(const struct rec *r, size_t len)
{
	FUZZ_CHECK(r->data_len + r->from_len <= len);
	for (size_t i = 0; i < r->num_msgs; i++) {
		const struct rec_msg *g = &r->msgs[i];
		FUZZ_CHECK(g->offset < len);
		FUZZ_CHECK(i == 0 || g->offset > r->msgs[i - 1].offset);
		if (g->flags == MBOX_F_NO_FROM) {
			FUZZ_CHECK(
			    i == 0 && g->offset == 0 && g->from_len == 0);
		} else {
			FUZZ_CHECK(g->flags == 0 && g->from_len >= 5);
			FUZZ_CHECK(
			    memcmp(r->from + g->from_off, "From ", 5) == 0);
		}
		int64_t t;
		if (mbox_from_time(
		        span_make(r->from + g->from_off, g->from_len), &t)) {
			FUZZ_CHECK(g->flags == 0);
			FUZZ_CHECK(t >= 0 && t < INT64_C(253402300800));
		}
	}
}

/* same_messages compares two splits; |offsets| says whether the offsets
 * must match too. */
static bool
same_messages(const struct rec *a, const struct rec *b, bool offsets)
{
	if (a->num_msgs != b->num_msgs) {
		return false;
	}
	for (size_t i = 0; i < a->num_msgs; i++) {
		const struct rec_msg *x = &a->msgs[i], *y = &b->msgs[i];
		if ((offsets && x->offset != y->offset) ||
		    x->flags != y->flags || x->from_len != y->from_len ||
		    x->data_len != y->data_len ||
		    (x->from_len > 0 &&
		        memcmp(a->from + x->from_off, b->from + y->from_off,
		            x->from_len) != 0) ||
		    (x->data_len > 0 &&
		        memcmp(a->data + x->data_off, b->data + y->data_off,
		            x->data_len) != 0)) {
			return false;
		}
	}
	return true;
}

struct out {
	uint8_t *p;
	size_t len, cap;
};

static void
out_put(struct out *o, const uint8_t *p, size_t len)
{
	FUZZ_CHECK(len <= o->cap - o->len);
	if (len > 0) {
		memcpy(o->p + o->len, p, len);
		o->len += len;
	}
}

/* needs_quote reports whether the line |line| reads as a quoted one to
 * mboxrd: ^>*From  with room for one more ">" below the splitter's limit. */
static bool
needs_quote(const uint8_t *line, size_t len)
{
	size_t k = 0;
	while (k < len && line[k] == '>') {
		k++;
	}
	return k + 1 <= MBOX_MAX_PENDING - 6 && len - k >= 5 &&
	    memcmp(line + k, "From ", 5) == 0;
}

/* quote_data writes |len| data bytes at |p| with a ">" added before every
 * line that mboxrd would unquote, the reverse of the splitter. */
static void
quote_data(struct out *o, const uint8_t *p, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const uint8_t *lf = memchr(p + pos, '\n', len - pos);
		size_t end = lf == NULL ? len : (size_t)(lf - p) + 1;
		if (needs_quote(p + pos, end - pos)) {
			out_put(o, (const uint8_t *)">", 1);
		}
		out_put(o, p + pos, end - pos);
		pos = end;
	}
}

/* check_requote writes the messages of |a| out as a new mboxrd and checks
 * that splitting it again gives them back. */
static void
check_requote(const struct rec *a, enum mbox_format format, size_t len)
{
	struct out o = { NULL, 0, 4 * len + 16 };
	o.p = malloc(o.cap);
	FUZZ_CHECK(o.p != NULL);
	for (size_t i = 0; i < a->num_msgs; i++) {
		const struct rec_msg *g = &a->msgs[i];
		if (g->flags != MBOX_F_NO_FROM) {
			/* CRLF, so that a From line ending in CR keeps it. */
			out_put(&o, a->from + g->from_off, g->from_len);
			out_put(&o, (const uint8_t *)"\r\n", 2);
		}
		quote_data(&o, a->data + g->data_off, g->data_len);
		if (i + 1 < a->num_msgs) {
			out_put(&o, (const uint8_t *)"\n", 1);
		}
	}
	struct rec c;
	split(&c, format, o.p, o.len, 0);
	FUZZ_CHECK(same_messages(a, &c, false));
	rec_free(&c);
	free(o.p);
}

FUZZ_TARGET(mbox)
{
	if (size < 1) {
		return 0;
	}
	enum mbox_format format = (enum mbox_format)(data[0] % 3);
	size_t chunk = (size_t)(data[0] >> 2) + 1;
	const uint8_t *p = data + 1;
	size_t len = size - 1;

	struct rec whole, chunked, bytes;
	split(&whole, format, p, len, 0);
	split(&chunked, format, p, len, chunk);
	split(&bytes, format, p, len, 1);
	check_invariants(&whole, len);
	if (mbox_looks_like(span_make(p, len))) {
		FUZZ_CHECK(whole.num_msgs > 0 && whole.msgs[0].flags == 0);
	}
	FUZZ_CHECK(same_messages(&whole, &chunked, true));
	FUZZ_CHECK(same_messages(&whole, &bytes, true));
	if (format != MBOX_O) {
		check_requote(&whole, format, len);
	}
	rec_free(&whole);
	rec_free(&chunked);
	rec_free(&bytes);
	return 0;
}
