/*
 * fuzz_canondiff.c - the SIMD canonicalizers against the scalar oracles.
 *
 * Input: one control byte, then up to 8 cut bytes, then the data.  The
 * control byte picks what is compared:
 *  - bit 0..1 = 0, 1: a body, simple or relaxed.  The reference state
 *    machine is fed the data cut at the positions the cut bytes give; the
 *    fast path is fed the same data cut at other positions (the cut bytes
 *    read backwards), and whole, at every block-scan level the CPU has.
 *    All must write the same bytes.  With bit 2 set, an l= limit taken
 *    from the cut bytes is applied too, and the limited output must be a
 *    prefix of the whole.
 *  - bit 0..1 = 2, 3: a header field value, relaxed, fast against
 *    reference at every level, the value being the data as it is
 *    (bit 0 set: the data cut at the first cut position, so that values
 *    end at any alignment).
 * Cut bytes are read as small step sizes so that chunks of 1 to 256 bytes,
 * and the 64-byte block boundaries inside them, land everywhere.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canon/blockscan.h"
#include "canon/bodycanon.h"
#include "canon/hdrcanon.h"
#include "tests/fuzz/fuzz.h"

#define CUTS 8

struct out {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static void
out_write(void *ctx, const uint8_t *p, size_t len)
{
	struct out *o = ctx;
	FUZZ_CHECK(o->len + len <= o->cap);
	memcpy(o->p + o->len, p, len);
	o->len += len;
}

/* feed canonicalizes |data| with |mode| into |o|, in chunks whose sizes
 * come from |cuts| (in order, or reversed), through a limit of |limit|. */
static uint64_t
feed(struct out *o, enum canon_mode mode, bool reference, const uint8_t *data,
    size_t size, const uint8_t *cuts, bool reversed, uint64_t limit)
{
	struct limit_sink ls;
	limit_sink_init(&ls, (struct byte_sink){ out_write, o }, limit);
	struct bodycanon *bc = malloc(sizeof(*bc));
	FUZZ_CHECK(bc != NULL);
	bodycanon_init(bc, mode, limit_sink_as_sink(&ls));
	bc->reference = reference;
	size_t off = 0;
	for (size_t k = 0; off < size; k++) {
		uint8_t c = cuts[reversed ? CUTS - 1 - k % CUTS : k % CUTS];
		size_t n = (size_t)c + 1;
		if (n > size - off) {
			n = size - off;
		}
		bodycanon_update(bc, data + off, n);
		off += n;
	}
	uint64_t total = bodycanon_final(bc);
	free(bc);
	FUZZ_CHECK(ls.seen == total);
	return total;
}

static void
diff_body(enum canon_mode mode, bool limited, const uint8_t *cuts,
    const uint8_t *data, size_t size)
{
	size_t cap = 2 * size + 2;
	struct out ref = { malloc(cap), 0, cap };
	struct out fast = { malloc(cap), 0, cap };
	FUZZ_CHECK(ref.p != NULL && fast.p != NULL);
	uint64_t n_ref =
	    feed(&ref, mode, true, data, size, cuts, false, UINT64_MAX);
	FUZZ_CHECK(n_ref == ref.len);

	uint64_t limit = UINT64_MAX;
	if (limited) {
		limit = ((uint64_t)cuts[0] << 8 | cuts[1]) % (ref.len + 2);
	}
	enum blockscan_level best = blockscan_level();
	for (int l = BLOCKSCAN_PORTABLE; l <= BLOCKSCAN_AVX512; l++) {
		if (!blockscan_use((enum blockscan_level)l)) {
			continue;
		}
		for (int whole = 0; whole < 2; whole++) {
			fast.len = 0;
			uint64_t n;
			if (whole) {
				n = bodycanon_span(mode,
				    (struct byte_sink){ out_write, &fast },
				    span_make(data, size));
				FUZZ_CHECK(n == fast.len);
			} else {
				n = feed(&fast, mode, false, data, size, cuts,
				    true, limit);
			}
			FUZZ_CHECK(n == n_ref);
			size_t want =
			    whole || limit > ref.len ? ref.len : (size_t)limit;
			FUZZ_CHECK(fast.len == want);
			FUZZ_CHECK(
			    want == 0 || memcmp(fast.p, ref.p, want) == 0);
		}
	}
	blockscan_use(best);
	free(ref.p);
	free(fast.p);
}

static void
diff_header(const uint8_t *data, size_t size)
{
	static const struct span name = { (const uint8_t *)"X-Fuzz", 6 };
	size_t cap = size + 8;
	struct out ref = { malloc(cap), 0, cap };
	struct out fast = { malloc(cap), 0, cap };
	FUZZ_CHECK(ref.p != NULL && fast.p != NULL);
	struct byte_sink rs = { out_write, &ref };
	hdrcanon_relaxed_ref(&rs, name, span_make(data, size));
	enum blockscan_level best = blockscan_level();
	for (int l = BLOCKSCAN_PORTABLE; l <= BLOCKSCAN_AVX512; l++) {
		if (!blockscan_use((enum blockscan_level)l)) {
			continue;
		}
		fast.len = 0;
		struct byte_sink fs = { out_write, &fast };
		hdrcanon_relaxed(&fs, name, span_make(data, size));
		FUZZ_CHECK(fast.len == ref.len);
		FUZZ_CHECK(memcmp(fast.p, ref.p, ref.len) == 0);
	}
	blockscan_use(best);
	free(ref.p);
	free(fast.p);
}

FUZZ_TARGET(canondiff)
{
	if (size < 1 + CUTS) {
		return 0;
	}
	uint8_t ctl = data[0];
	const uint8_t *cuts = data + 1;
	data += 1 + CUTS;
	size -= 1 + CUTS;
	switch (ctl & 3) {
	case 0:
	case 1:
		diff_body((ctl & 1) ? CANON_RELAXED : CANON_SIMPLE,
		    (ctl & 4) != 0, cuts, data, size);
		break;
	default:
		if ((ctl & 1) && size > 0) {
			size = cuts[0] % size;
		}
		/* The value is copied to a buffer of its own size, so that
		 * ASan sees any read past its end. */
		{
			uint8_t *v = malloc(size ? size : 1);
			FUZZ_CHECK(v != NULL);
			if (size > 0) {
				memcpy(v, data, size);
			}
			diff_header(v, size);
			free(v);
		}
		break;
	}
	return 0;
}
