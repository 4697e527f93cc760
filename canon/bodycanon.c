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
	bc->reference = false;
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

/* Block scanning.  block_masks fills, for the 64 bytes at |p|, one bit per
 * byte (bit b for p[b]) for each kind of byte that matters: SP, HTAB, CR
 * and LF.  A run is then judged 64 bytes at a time with shifts and ands
 * instead of a branch per byte.  Only the first BLOCK_STEP positions of a
 * block are judged, so that every rule can look up to three bytes ahead
 * inside it. */
#define BLOCK_BYTES 64
#define BLOCK_STEP 61
#define STEP_MASK (((uint64_t)1 << BLOCK_STEP) - 1)

struct block_masks {
	uint64_t sp, tab, cr, lf;
};

#if defined(__SSE2__)
#include <emmintrin.h>

static inline uint64_t
eq_mask(__m128i v0, __m128i v1, __m128i v2, __m128i v3, char c)
{
	__m128i k = _mm_set1_epi8(c);
	uint64_t m0 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, k));
	uint64_t m1 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, k));
	uint64_t m2 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v2, k));
	uint64_t m3 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v3, k));
	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}

static inline void
block_masks(const uint8_t *p, struct block_masks *m)
{
	__m128i v0 = _mm_loadu_si128((const void *)p);
	__m128i v1 = _mm_loadu_si128((const void *)(p + 16));
	__m128i v2 = _mm_loadu_si128((const void *)(p + 32));
	__m128i v3 = _mm_loadu_si128((const void *)(p + 48));
	m->sp = eq_mask(v0, v1, v2, v3, ' ');
	m->tab = eq_mask(v0, v1, v2, v3, '\t');
	m->cr = eq_mask(v0, v1, v2, v3, '\r');
	m->lf = eq_mask(v0, v1, v2, v3, '\n');
}
#else
static inline void
block_masks(const uint8_t *p, struct block_masks *m)
{
	*m = (struct block_masks){ 0, 0, 0, 0 };
	for (int b = 0; b < BLOCK_BYTES; b++) {
		uint64_t bit = (uint64_t)1 << b;
		m->sp |= p[b] == ' ' ? bit : 0;
		m->tab |= p[b] == '\t' ? bit : 0;
		m->cr |= p[b] == '\r' ? bit : 0;
		m->lf |= p[b] == '\n' ? bit : 0;
	}
}
#endif

/* block_step is how far a run goes past a block without a bad position:
 * BLOCK_STEP, or one less when the last judged byte is a CR, so that a CR
 * and its LF are always judged in the same block.  Every block thus starts
 * right after a byte that is not a taken CR, and an LF at its position 0
 * is a bare one. */
static inline size_t
block_step(const struct block_masks *m)
{
	return (m->cr >> (BLOCK_STEP - 1)) & 1 ? BLOCK_STEP - 1 : BLOCK_STEP;
}

/* simple: a line ending must be CRLF (a bare LF stops the run) and the
 * next line must start with content (else stop at the CR). */
static inline uint64_t
block_bad_simple(const struct block_masks *m)
{
	uint64_t nl = m->cr | m->lf;
	uint64_t bare_lf = m->lf & ~(m->cr << 1);
	uint64_t cr_then_break = m->cr & (m->lf >> 1) & (nl >> 2);
	return bare_lf | cr_then_break;
}

/* relaxed: no HTAB, no SP before WSP or a line ending, no bare LF, and no
 * CR but one that starts a CRLF followed by a plain line start: content,
 * or one SP before content.  (A line that starts with WSP and then ends
 * may be a trailing blank line, so the state machine must see it from its
 * start.) */
static inline uint64_t
block_bad_relaxed(const struct block_masks *m)
{
	uint64_t s = m->sp | m->tab | m->cr | m->lf;
	uint64_t sp_then_s = m->sp & (s >> 1);
	uint64_t bare_lf = m->lf & ~(m->cr << 1);
	uint64_t next_not_plain =
	    ((m->tab | m->cr | m->lf) >> 2) | ((m->sp >> 2) & (s >> 3));
	uint64_t cr_bad = m->cr & (~(m->lf >> 1) | next_not_plain);
	return m->tab | sp_then_s | bare_lf | cr_bad;
}

/* struct block_cache keeps the verdict on the last block judged within one
 * bodycanon_update call.  When the state machine has handled a bad
 * position and a run starts again inside that block, the verdict still
 * holds for the positions from the new start: every rule looks only
 * ahead, but for a bare LF, which looks one byte back at a CR, and a run
 * never starts right after a CR (the state machine would be holding it). */
struct block_cache {
	size_t start; /* SIZE_MAX when empty */
	size_t step;
	uint64_t bad;
};

/* copy_blocks runs the block scan for |mode| from p[*pos] and moves *pos
 * to where the run stops (returning true) or to where fewer than
 * BLOCK_BYTES bytes are left (returning false; never between a taken CR
 * and its LF). */
static inline bool
copy_blocks(enum canon_mode mode, const uint8_t *p, size_t *pos, size_t len,
    struct block_cache *c)
{
	size_t i = *pos;
	if (i - c->start < c->step) {
		uint64_t bad = c->bad >> (i - c->start);
		if (bad != 0) {
			*pos = i + (size_t)__builtin_ctzll(bad);
			return true;
		}
		i = c->start + c->step;
	}
	while (len - i >= BLOCK_BYTES) {
		struct block_masks m;
		block_masks(p + i, &m);
		uint64_t bad = mode == CANON_SIMPLE ? block_bad_simple(&m)
		                                    : block_bad_relaxed(&m);
		c->start = i;
		c->step = block_step(&m);
		c->bad = bad & STEP_MASK;
		if (c->bad != 0) {
			*pos = i + (size_t)__builtin_ctzll(c->bad);
			return true;
		}
		i += c->step;
	}
	*pos = i;
	return false;
}

/* copy_run_simple: under simple canonicalization every byte of a line is
 * copied as it is, a bare CR included, so the run goes from line end to
 * line end (memchr) as long as each line ends in CRLF and the next one
 * starts with content. */
static size_t
copy_run_simple(const struct bodycanon *bc, const uint8_t *p, size_t i,
    size_t len, struct block_cache *c)
{
	if (copy_blocks(CANON_SIMPLE, p, &i, len, c)) {
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
    size_t len, struct block_cache *cache)
{
	if (copy_blocks(CANON_RELAXED, p, &i, len, cache)) {
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
    struct block_cache *c)
{
	return bc->mode == CANON_SIMPLE ? copy_run_simple(bc, p, i, len, c)
	                                : copy_run_relaxed(bc, p, i, len, c);
}

void
bodycanon_update(struct bodycanon *bc, const uint8_t *p, size_t len)
{
	struct block_cache cache = { SIZE_MAX, 0, 0 };
	size_t i = 0;
	while (i < len) {
		if (!bc->reference && bc->line_started && !bc->pending_cr &&
		    !bc->pending_wsp) {
			size_t j = copy_run(bc, p, i, len, &cache);
			if (j > i) {
				put(bc, p + i, j - i);
				i = j;
				continue;
			}
		}
		i = step_ref(bc, p, i, len);
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
