/*
 * blockscan.c - the block scan behind the body canonicalizers' fast path
 * (see blockscan.h).
 *
 * Bit b of each mask stands for p[b].  Only the first BLOCK_STEP
 * positions of a block are judged, so that every rule can look up to
 * three bytes ahead inside the block; the next block starts where the
 * judged part ends.
 */
#include "canon/blockscan.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BLOCKSCAN_X86 1
#endif

#define BLOCK_STEP 61
#define STEP_MASK (((uint64_t)1 << BLOCK_STEP) - 1)

struct block_masks {
	uint64_t sp, tab, cr, lf;
};

/* block_step is how far a run goes past the last block of a buffer
 * without a bad position: BLOCK_STEP, or one less when the last judged
 * byte is a CR, so that a CR and its LF are judged in the same block and
 * the caller's scalar code never starts right after a taken CR. */
static inline size_t
block_step(const struct block_masks *m)
{
	return (m->cr >> (BLOCK_STEP - 1)) & 1 ? BLOCK_STEP - 1 : BLOCK_STEP;
}

/* ahead returns |x| of this block seen |k| bytes ahead (bit b says
 * whether p[b + k] is of that kind), taking the bits past the block from
 * |next|, the same mask of the following block (0 for none). */
static inline uint64_t
ahead(uint64_t x, uint64_t next, int k)
{
	return x >> k | next << (64 - k);
}

/* In both rules, |carry| is 1 when the byte before the block is a CR the
 * run has taken, so that an LF at position 0 ends its line. */

/* simple: a line ending must be CRLF (a bare LF stops the run) and the
 * next line must start with content (else stop at the CR). */
static inline uint64_t
block_bad_simple(
    const struct block_masks *m, const struct block_masks *n, uint64_t carry)
{
	uint64_t nl = m->cr | m->lf, nl_next = n->cr | n->lf;
	uint64_t bare_lf = m->lf & ~(m->cr << 1 | carry);
	uint64_t cr_then_break =
	    m->cr & ahead(m->lf, n->lf, 1) & ahead(nl, nl_next, 2);
	return bare_lf | cr_then_break;
}

/* relaxed: no HTAB, no SP before WSP or a line ending, no bare LF, and no
 * CR but one that starts a CRLF followed by a plain line start: content,
 * or one SP before content.  (A line that starts with WSP and then ends
 * may be a trailing blank line, so the state machine must see it from its
 * start.) */
static inline uint64_t
block_bad_relaxed(
    const struct block_masks *m, const struct block_masks *n, uint64_t carry)
{
	uint64_t s = m->sp | m->tab | m->cr | m->lf;
	uint64_t s_next = n->sp | n->tab | n->cr | n->lf;
	uint64_t sp_then_s = m->sp & ahead(s, s_next, 1);
	uint64_t bare_lf = m->lf & ~(m->cr << 1 | carry);
	uint64_t brk = m->tab | m->cr | m->lf,
	         brk_next = n->tab | n->cr | n->lf;
	uint64_t next_not_plain = ahead(brk, brk_next, 2) |
	    (ahead(m->sp, n->sp, 2) & ahead(s, s_next, 3));
	uint64_t cr_bad = m->cr & (~ahead(m->lf, n->lf, 1) | next_not_plain);
	return m->tab | sp_then_s | bare_lf | cr_bad;
}

static inline uint64_t
block_bad(enum canon_mode mode, const struct block_masks *m,
    const struct block_masks *n, uint64_t carry)
{
	return mode == CANON_SIMPLE ? block_bad_simple(m, n, carry)
	                            : block_bad_relaxed(m, n, carry);
}

/* SCAN_BODY is the scan loop around one way of building the masks; each
 * instruction set gets its own copy so that the masks are inlined.
 *
 * While two blocks or more are left, a block is judged on all 64
 * positions, looking ahead into the next block's masks, which are built
 * before the verdict: the next load never waits for this block's verdict.
 * The last whole block is judged on its first BLOCK_STEP positions. */
#define SCAN_BODY(masks_fn)                                                    \
	size_t i = *pos;                                                       \
	uint64_t carry = 0;                                                    \
	if (i - c->start < c->step) {                                          \
		uint64_t bad = c->bad >> (i - c->start);                       \
		if (bad != 0) {                                                \
			*pos = i + (size_t)__builtin_ctzll(bad);               \
			return true;                                           \
		}                                                              \
		i = c->start + c->step;                                        \
		carry = c->carry;                                              \
	}                                                                      \
	if (len - i < BLOCKSCAN_BYTES) {                                       \
		*pos = i;                                                      \
		return false;                                                  \
	}                                                                      \
	struct block_masks m, n;                                               \
	masks_fn(p + i, &m);                                                   \
	while (len - i >= 2 * BLOCKSCAN_BYTES) {                               \
		masks_fn(p + i + BLOCKSCAN_BYTES, &n);                         \
		uint64_t bad = block_bad(mode, &m, &n, carry);                 \
		c->start = i;                                                  \
		c->step = BLOCKSCAN_BYTES;                                     \
		c->bad = bad;                                                  \
		c->carry = m.cr >> 63;                                         \
		if (bad != 0) {                                                \
			*pos = i + (size_t)__builtin_ctzll(bad);               \
			return true;                                           \
		}                                                              \
		carry = c->carry;                                              \
		m = n;                                                         \
		i += BLOCKSCAN_BYTES;                                          \
	}                                                                      \
	n = (struct block_masks){ 0, 0, 0, 0 };                                \
	c->start = i;                                                          \
	c->step = block_step(&m);                                              \
	c->bad = block_bad(mode, &m, &n, carry) & STEP_MASK;                   \
	c->carry = 0;                                                          \
	if (c->bad != 0) {                                                     \
		*pos = i + (size_t)__builtin_ctzll(c->bad);                    \
		return true;                                                   \
	}                                                                      \
	*pos = i + c->step;                                                    \
	return false

/* hdr_bad judges one 64-byte block of a relaxed header value: HTAB, CR and
 * LF always need the scalar code, and so does an SP followed by another
 * special byte, or by the end of the value.  |next| is 1 when the byte
 * after the block is special; |last| has the bit of the value's last byte
 * when the value ends inside the block. */
static inline uint64_t
hdr_bad(const struct block_masks *m, uint64_t next, uint64_t last)
{
	uint64_t s = m->sp | m->tab | m->cr | m->lf;
	return m->tab | m->cr | m->lf | (m->sp & (s >> 1 | next << 63 | last));
}

static inline uint64_t
hdr_special(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* SCAN_HDR is the header scan around one way of building the masks.
 * Whole blocks are read in place while more than a block is left; the
 * rest, 64 bytes or fewer, is copied into a zeroed block (NUL is not
 * special), so no read goes past the value. */
#define SCAN_HDR(masks_fn)                                                     \
	struct block_masks m;                                                  \
	size_t i = pos;                                                        \
	while (len - i > BLOCKSCAN_BYTES) {                                    \
		masks_fn(p + i, &m);                                           \
		uint64_t bad =                                                 \
		    hdr_bad(&m, hdr_special(p[i + BLOCKSCAN_BYTES]), 0);       \
		if (bad != 0) {                                                \
			return i + (size_t)__builtin_ctzll(bad);               \
		}                                                              \
		i += BLOCKSCAN_BYTES;                                          \
	}                                                                      \
	if (i == len) {                                                        \
		return len;                                                    \
	}                                                                      \
	uint8_t tail[BLOCKSCAN_BYTES] = { 0 };                                 \
	size_t n = len - i;                                                    \
	memcpy(tail, p + i, n);                                                \
	masks_fn(tail, &m);                                                    \
	uint64_t bad = hdr_bad(&m, 0, (uint64_t)1 << (n - 1));                 \
	return bad != 0 ? i + (size_t)__builtin_ctzll(bad) : len

typedef size_t hdr_scan_fn(const uint8_t *p, size_t pos, size_t len);

typedef bool scan_fn(enum canon_mode mode, const uint8_t *p, size_t *pos,
    size_t len, struct blockscan_cache *c);

static inline void
masks_portable(const uint8_t *p, struct block_masks *m)
{
	*m = (struct block_masks){ 0, 0, 0, 0 };
	for (int b = 0; b < BLOCKSCAN_BYTES; b++) {
		uint64_t bit = (uint64_t)1 << b;
		m->sp |= p[b] == ' ' ? bit : 0;
		m->tab |= p[b] == '\t' ? bit : 0;
		m->cr |= p[b] == '\r' ? bit : 0;
		m->lf |= p[b] == '\n' ? bit : 0;
	}
}

static bool
scan_portable(enum canon_mode mode, const uint8_t *p, size_t *pos, size_t len,
    struct blockscan_cache *c)
{
	SCAN_BODY(masks_portable);
}

static size_t
hdr_scan_portable(const uint8_t *p, size_t pos, size_t len)
{
	SCAN_HDR(masks_portable);
}

#if defined(BLOCKSCAN_X86)

/* SSE2: four 16-byte compares per kind of byte. */
__attribute__((target("sse2"))) static inline uint64_t
eq_sse2(__m128i v0, __m128i v1, __m128i v2, __m128i v3, char ch)
{
	__m128i k = _mm_set1_epi8(ch);
	uint64_t m0 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, k));
	uint64_t m1 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, k));
	uint64_t m2 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v2, k));
	uint64_t m3 = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v3, k));
	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}

__attribute__((target("sse2"))) static inline void
masks_sse2(const uint8_t *p, struct block_masks *m)
{
	__m128i v0 = _mm_loadu_si128((const void *)p);
	__m128i v1 = _mm_loadu_si128((const void *)(p + 16));
	__m128i v2 = _mm_loadu_si128((const void *)(p + 32));
	__m128i v3 = _mm_loadu_si128((const void *)(p + 48));
	m->sp = eq_sse2(v0, v1, v2, v3, ' ');
	m->tab = eq_sse2(v0, v1, v2, v3, '\t');
	m->cr = eq_sse2(v0, v1, v2, v3, '\r');
	m->lf = eq_sse2(v0, v1, v2, v3, '\n');
}

__attribute__((target("sse2"))) static bool
scan_sse2(enum canon_mode mode, const uint8_t *p, size_t *pos, size_t len,
    struct blockscan_cache *c)
{
	SCAN_BODY(masks_sse2);
}

__attribute__((target("sse2"))) static size_t
hdr_scan_sse2(const uint8_t *p, size_t pos, size_t len)
{
	SCAN_HDR(masks_sse2);
}

/* AVX2: two 32-byte compares per kind of byte. */
__attribute__((target("avx2"))) static inline uint64_t
eq_avx2(__m256i v0, __m256i v1, char ch)
{
	__m256i k = _mm256_set1_epi8(ch);
	uint64_t m0 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, k));
	uint64_t m1 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, k));
	return m0 | m1 << 32;
}

__attribute__((target("avx2"))) static inline void
masks_avx2(const uint8_t *p, struct block_masks *m)
{
	__m256i v0 = _mm256_loadu_si256((const void *)p);
	__m256i v1 = _mm256_loadu_si256((const void *)(p + 32));
	m->sp = eq_avx2(v0, v1, ' ');
	m->tab = eq_avx2(v0, v1, '\t');
	m->cr = eq_avx2(v0, v1, '\r');
	m->lf = eq_avx2(v0, v1, '\n');
}

__attribute__((target("avx2"))) static bool
scan_avx2(enum canon_mode mode, const uint8_t *p, size_t *pos, size_t len,
    struct blockscan_cache *c)
{
	SCAN_BODY(masks_avx2);
}

__attribute__((target("avx2"))) static size_t
hdr_scan_avx2(const uint8_t *p, size_t pos, size_t len)
{
	SCAN_HDR(masks_avx2);
}

/* AVX-512BW: one 64-byte load, and each compare gives a mask directly. */
__attribute__((target("avx512f,avx512bw"))) static inline void
masks_avx512(const uint8_t *p, struct block_masks *m)
{
	__m512i v = _mm512_loadu_si512((const void *)p);
	m->sp = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(' '));
	m->tab = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\t'));
	m->cr = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r'));
	m->lf = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
}

__attribute__((target("avx512f,avx512bw"))) static bool
scan_avx512(enum canon_mode mode, const uint8_t *p, size_t *pos, size_t len,
    struct blockscan_cache *c)
{
	SCAN_BODY(masks_avx512);
}

__attribute__((target("avx512f,avx512bw"))) static size_t
hdr_scan_avx512(const uint8_t *p, size_t pos, size_t len)
{
	SCAN_HDR(masks_avx512);
}

#endif /* BLOCKSCAN_X86 */

static scan_fn *const scanners[] = {
	[BLOCKSCAN_PORTABLE] = scan_portable,
#if defined(BLOCKSCAN_X86)
	[BLOCKSCAN_SSE2] = scan_sse2,
	[BLOCKSCAN_AVX2] = scan_avx2,
	[BLOCKSCAN_AVX512] = scan_avx512,
#endif
};

static hdr_scan_fn *const hdr_scanners[] = {
	[BLOCKSCAN_PORTABLE] = hdr_scan_portable,
#if defined(BLOCKSCAN_X86)
	[BLOCKSCAN_SSE2] = hdr_scan_sse2,
	[BLOCKSCAN_AVX2] = hdr_scan_avx2,
	[BLOCKSCAN_AVX512] = hdr_scan_avx512,
#endif
};

/* The level in use, set before main() runs (and by blockscan_use in
 * tests); threads only read it afterwards. */
static enum blockscan_level current = BLOCKSCAN_PORTABLE;

bool
blockscan_supported(enum blockscan_level level)
{
	switch (level) {
	case BLOCKSCAN_PORTABLE:
		return true;
#if defined(BLOCKSCAN_X86)
	case BLOCKSCAN_SSE2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("sse2");
	case BLOCKSCAN_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2");
	case BLOCKSCAN_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f") &&
		    __builtin_cpu_supports("avx512bw");
#else
	default:
		return false;
#endif
	}
	return false;
}

__attribute__((constructor)) static void
pick_best(void)
{
	for (int l = BLOCKSCAN_AVX512; l > BLOCKSCAN_PORTABLE; l--) {
		if (blockscan_supported((enum blockscan_level)l)) {
			current = (enum blockscan_level)l;
			return;
		}
	}
}

enum blockscan_level
blockscan_level(void)
{
	return current;
}

bool
blockscan_use(enum blockscan_level level)
{
	if (!blockscan_supported(level)) {
		return false;
	}
	current = level;
	return true;
}

const char *
blockscan_name(enum blockscan_level level)
{
	static const char *const names[] = { "portable", "sse2", "avx2",
		"avx512" };
	return (unsigned)level < 4 ? names[level] : "?";
}

bool
blockscan_run(enum canon_mode mode, const uint8_t *p, size_t *pos, size_t len,
    struct blockscan_cache *c)
{
	return scanners[current](mode, p, pos, len, c);
}

size_t
blockscan_hdr(const uint8_t *p, size_t pos, size_t len)
{
	return hdr_scanners[current](p, pos, len);
}
