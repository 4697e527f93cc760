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

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BLOCKSCAN_X86 1
#endif

#define BLOCK_STEP 61
#define STEP_MASK (((uint64_t)1 << BLOCK_STEP) - 1)

struct block_masks {
	uint64_t sp, tab, cr, lf;
};

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

/* SCAN_BODY is the scan loop around one way of building the masks; each
 * instruction set gets its own copy so that the masks are inlined. */
#define SCAN_BODY(masks_fn)                                                    \
	size_t i = *pos;                                                       \
	if (i - c->start < c->step) {                                          \
		uint64_t bad = c->bad >> (i - c->start);                       \
		if (bad != 0) {                                                \
			*pos = i + (size_t)__builtin_ctzll(bad);               \
			return true;                                           \
		}                                                              \
		i = c->start + c->step;                                        \
	}                                                                      \
	while (len - i >= BLOCKSCAN_BYTES) {                                   \
		struct block_masks m;                                          \
		masks_fn(p + i, &m);                                           \
		uint64_t bad = mode == CANON_SIMPLE ? block_bad_simple(&m)     \
		                                    : block_bad_relaxed(&m);   \
		c->start = i;                                                  \
		c->step = block_step(&m);                                      \
		c->bad = bad & STEP_MASK;                                      \
		if (c->bad != 0) {                                             \
			*pos = i + (size_t)__builtin_ctzll(c->bad);            \
			return true;                                           \
		}                                                              \
		i += c->step;                                                  \
	}                                                                      \
	*pos = i;                                                              \
	return false

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

#endif /* BLOCKSCAN_X86 */

static scan_fn *const scanners[] = {
	[BLOCKSCAN_PORTABLE] = scan_portable,
#if defined(BLOCKSCAN_X86)
	[BLOCKSCAN_SSE2] = scan_sse2,
	[BLOCKSCAN_AVX2] = scan_avx2,
	[BLOCKSCAN_AVX512] = scan_avx512,
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
