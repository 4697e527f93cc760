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

#include "canon/blockscan.h"

#include <string.h>

/* BODYCANON_WINDOW is the most stored bytes scanned before their canonical
 * form goes to the sink. */
#define BODYCANON_WINDOW ((size_t)16 << 10)

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
	bc->reference = false;
	bc->buf_len = 0;
}

static void
flush(struct bodycanon *bc)
{
	byte_sink_write(&bc->sink, bc->buf, bc->buf_len);
	bc->buf_len = 0;
}

static void put_slow(struct bodycanon *bc, const uint8_t *p, size_t n);

/* put writes |n| canonical bytes: into the buffer when they fit, which is
 * nearly always and is kept inline. */
static inline void
put(struct bodycanon *bc, const uint8_t *p, size_t n)
{
	if (n <= BODYCANON_BUF - bc->buf_len && n < BODYCANON_BUF / 2) {
		memcpy(bc->buf + bc->buf_len, p, n);
		bc->buf_len += n;
		bc->out_len += n;
		return;
	}
	put_slow(bc, p, n);
}

__attribute__((noinline)) static void
put_slow(struct bodycanon *bc, const uint8_t *p, size_t n)
{
	bc->out_len += n;
	if (n >= BODYCANON_BUF / 2) {
		/* A long run goes to the sink as it is, without a copy. */
		flush(bc);
		byte_sink_write(&bc->sink, p, n);
		return;
	}
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

/* put_crlfs writes |n| CRLFs. */
static void
put_crlfs(struct bodycanon *bc, uint64_t n)
{
	while (n > 0) {
		uint64_t k =
		    n < sizeof(crlf_run) / 2 ? n : sizeof(crlf_run) / 2;
		put(bc, crlf_run, (size_t)k * 2);
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
		put_crlfs(bc, bc->pending_crlf);
		bc->pending_crlf = 0;
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

/* step_ref handles the one byte p[i] with the reference state machine and
 * returns i + 1. */
static size_t
step_ref(struct bodycanon *bc, const uint8_t *p, size_t i, size_t len)
{
	uint8_t c = p[i];
	if (bc->pending_cr) {
		bc->pending_cr = false;
		if (c == '\n') {
			end_line(bc);
			return i + 1;
		}
		/* A CR not followed by LF is data. */
		begin_data(bc);
		put(bc, (const uint8_t *)"\r", 1);
	}
	if (c == '\r') {
		bc->pending_cr = true;
		return i + 1;
	}
	if (c == '\n') {
		end_line(bc);
		return i + 1;
	}
	if (bc->mode == CANON_RELAXED && span_is_wsp(c)) {
		bc->pending_wsp = true;
		return i + 1;
	}
	/* One data byte; the fast path, or the next step, takes the rest. */
	(void)len;
	begin_data(bc);
	put(bc, p + i, 1);
	return i + 1;
}

/* plain_at reports whether p[k] can begin, unchanged, a line that has
 * content: not a line ending, and under relaxed not WSP unless it is a
 * single SP before a data byte. */
static bool
plain_at(const struct bodycanon *bc, const uint8_t *p, size_t k, size_t len)
{
	if (k >= len || is_special(bc, p[k])) {
		return k < len && bc->mode == CANON_RELAXED && p[k] == ' ' &&
		    k + 1 < len && !is_special(bc, p[k + 1]);
	}
	return true;
}

/* zero_bytes has the top bit set in the lowest byte of |y| that is zero
 * (bits above it may be set spuriously by the borrow, never below). */
static inline uint64_t
zero_bytes(uint64_t y)
{
	return (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
}

/* special_mask marks, by its lowest set bit, the first byte of the
 * little-endian word |x| that is SP, HTAB, CR or LF; 0 when there is none.
 * A spurious bit can only follow a true one, so the lowest bit is exact. */
static inline uint64_t
special_mask(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL;
	return zero_bytes(x ^ (ones * ' ')) | zero_bytes(x ^ (ones * '\t')) |
	    zero_bytes(x ^ (ones * '\r')) | zero_bytes(x ^ (ones * '\n'));
}

/* skip_data returns the index of the first SP, HTAB, CR or LF at or after
 * p[i] among the whole 8-byte words before |len|, eight bytes at a time;
 * the caller examines the bytes from there one by one. */
static size_t
skip_data(const uint8_t *p, size_t i, size_t len)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (len - i >= 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		uint64_t m = special_mask(x);
		if (m != 0) {
			return i + (size_t)__builtin_ctzll(m) / 8;
		}
		i += 8;
	}
#else
	(void)p;
	(void)len;
#endif
	return i;
}

/* copy_run_simple: under simple canonicalization every byte of a line is
 * copied as it is, a bare CR included, so the run goes from line end to
 * line end (memchr) as long as each line ends in CRLF and the next one
 * starts with content. */
static size_t
copy_run_simple(const struct bodycanon *bc, const uint8_t *p, size_t i,
    size_t len, struct blockscan_cache *c)
{
	if (blockscan_run(CANON_SIMPLE, p, &i, len, c)) {
		return i;
	}
	while (i < len) {
		const uint8_t *lf = memchr(p + i, '\n', len - i);
		if (lf == NULL) {
			/* A final CR may be the first half of a CRLF. */
			return p[len - 1] == '\r' ? len - 1 : len;
		}
		size_t k = (size_t)(lf - p);
		if (k == i || p[k - 1] != '\r' ||
		    !plain_at(bc, p, k + 1, len)) {
			/* A bare LF, or a line break the state machine must
			 * see: stop before its CR. */
			return k == i || p[k - 1] != '\r' ? k : k - 1;
		}
		i = k + 1;
	}
	return i;
}

/* copy_run_relaxed: data bytes, single SPs between data bytes, and CRLFs
 * followed by a line that starts plainly.  Runs of data are skipped eight
 * bytes at a time (skip_data); only the bytes that may matter are looked
 * at one by one. */
static size_t
copy_run_relaxed(const struct bodycanon *bc, const uint8_t *p, size_t i,
    size_t len, struct blockscan_cache *cache)
{
	if (blockscan_run(CANON_RELAXED, p, &i, len, cache)) {
		return i;
	}
	while (i < len) {
		i = skip_data(p, i, len);
		if (i == len) {
			break;
		}
		uint8_t c = p[i];
		if (c == '\r') {
			if (i + 1 < len && p[i + 1] == '\n' &&
			    plain_at(bc, p, i + 2, len)) {
				i += 2;
				continue;
			}
			return i;
		}
		if (c == '\n' || c == '\t') {
			return i;
		}
		if (c == ' ') {
			if (i + 1 < len && !is_special(bc, p[i + 1])) {
				i += 2;
				continue;
			}
			return i;
		}
		i++;
	}
	return i;
}

/* copy_run returns the end of the longest run from p[i] that canonicalizes
 * to itself, given a started line and nothing pending; everything else is
 * left to the state machine. */
static size_t
copy_run(const struct bodycanon *bc, const uint8_t *p, size_t i, size_t len,
    struct blockscan_cache *c)
{
	return bc->mode == CANON_SIMPLE ? copy_run_simple(bc, p, i, len, c)
	                                : copy_run_relaxed(bc, p, i, len, c);
}

/* line_breaks returns the end of the line endings (CRLF or LF) that
 * follow one another from p[j]: j itself when there is none. */
static size_t
line_breaks(const uint8_t *p, size_t j, size_t len)
{
	while (j < len) {
		if (p[j] == '\n') {
			j++;
		} else if (p[j] == '\r' && j + 1 < len && p[j + 1] == '\n') {
			j += 2;
		} else {
			break;
		}
	}
	return j;
}

/* count_breaks counts the line endings in p[j..k), as line_breaks found
 * them: every LF ends one. */
static uint64_t
count_breaks(const uint8_t *p, size_t j, size_t k)
{
	uint64_t n = 0;
	for (; j < k; j++) {
		n += p[j] == '\n';
	}
	return n;
}

/* update_window canonicalizes p[0..len), a window of the stored body. */
static void
update_window(struct bodycanon *bc, const uint8_t *p, size_t len)
{
	struct blockscan_cache cache = BLOCKSCAN_CACHE_INIT;
	size_t i = 0;
	while (i < len) {
		if (!bc->reference && bc->line_started && !bc->pending_cr &&
		    !bc->pending_wsp) {
			size_t j = copy_run(bc, p, i, len, &cache);
			/* Relaxed: a run of WSP inside a line becomes one SP
			 * (the first one, when it is an SP, joins the run),
			 * and one before a line ending goes, without the
			 * state machine, when what follows it is in this
			 * window. */
			if (bc->mode == CANON_RELAXED && j < len &&
			    span_is_wsp(p[j])) {
				size_t g = j + 1;
				while (g < len && span_is_wsp(p[g])) {
					g++;
				}
				if (g < len && p[g] != '\r' && p[g] != '\n') {
					if (p[j] == ' ') {
						put(bc, p + i, j + 1 - i);
					} else {
						put(bc, p + i, j - i);
						put(bc, (const uint8_t *)" ",
						    1);
					}
					i = g;
					continue;
				}
				if (g < len &&
				    (p[g] == '\n' ||
				        (g + 1 < len && p[g + 1] == '\n'))) {
					put(bc, p + i, j - i);
					i = g;
					continue;
				}
			}
			if (j > i) {
				put(bc, p + i, j - i);
			}
			/* Line endings (CRLF, or a bare LF in LF-only
			 * storage) and empty lines before a plain line start
			 * in this window are inner ones: write a CRLF for
			 * each and go on without the state machine.  (A run
			 * never stops at the LF of a CRLF.) */
			size_t k = line_breaks(p, j, len);
			if (k > j && plain_at(bc, p, k, len)) {
				put_crlfs(bc, count_breaks(p, j, k));
				i = k;
				continue;
			}
			if (j > i) {
				i = j;
				continue;
			}
		}
		i = step_ref(bc, p, i, len);
	}
}

void
bodycanon_update(struct bodycanon *bc, const uint8_t *p, size_t len)
{
	/* A large body goes through in windows, so that the bytes the scan
	 * has just brought into the cache are hashed while they are still
	 * there (a run may otherwise span megabytes). */
	while (len > BODYCANON_WINDOW) {
		update_window(bc, p, BODYCANON_WINDOW);
		p += BODYCANON_WINDOW;
		len -= BODYCANON_WINDOW;
	}
	update_window(bc, p, len);
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
