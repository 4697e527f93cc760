/*
 * fuzz_bodycanon.c - body canonicalizers on arbitrary bytes.
 *
 * The first input byte picks the mode and a chunk size; the rest is the
 * body.  The body is canonicalized in chunks with the byte-level reference
 * state machine, and whole with the fast path at every block-scan level
 * the CPU supports (portable, SSE2, AVX2, AVX-512); all must give the same
 * bytes, and the output must obey the canonical form: it ends in CRLF
 * unless empty (relaxed), every LF is preceded by CR, and relaxed output
 * has no WSP before a CRLF and no two WSP in a row.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canon/blockscan.h"
#include "canon/bodycanon.h"
#include "tests/fuzz/fuzz.h"

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

FUZZ_TARGET(bodycanon)
{
	if (size < 1) {
		return 0;
	}
	enum canon_mode mode = (data[0] & 1) ? CANON_RELAXED : CANON_SIMPLE;
	size_t chunk = (size_t)(data[0] >> 1) + 1;
	data++;
	size--;
	/* Output is at most twice the input (LF -> CRLF) plus a final CRLF. */
	size_t cap = 2 * size + 2;
	struct out a = { malloc(cap), 0, cap };
	struct out b = { malloc(cap), 0, cap };
	FUZZ_CHECK(a.p != NULL && b.p != NULL);

	struct bodycanon bc;
	bodycanon_init(&bc, mode, (struct byte_sink){ out_write, &b });
	bc.reference = true;
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		bodycanon_update(&bc, data + off, n);
	}
	uint64_t nb = bodycanon_final(&bc);
	FUZZ_CHECK(nb == b.len);

	enum blockscan_level best = blockscan_level();
	for (int l = BLOCKSCAN_PORTABLE; l <= BLOCKSCAN_AVX512; l++) {
		if (!blockscan_use((enum blockscan_level)l)) {
			continue;
		}
		a.len = 0;
		uint64_t na = bodycanon_span(mode,
		    (struct byte_sink){ out_write, &a }, span_make(data, size));
		FUZZ_CHECK(na == a.len && a.len == b.len);
		FUZZ_CHECK(a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
	}
	blockscan_use(best);
	if (mode == CANON_SIMPLE) {
		FUZZ_CHECK(a.len >= 2);
	}
	if (a.len > 0) {
		FUZZ_CHECK(a.p[a.len - 2] == '\r' && a.p[a.len - 1] == '\n');
		/* No trailing empty line: the output never ends in two line
		 * endings, except the lone CRLF of an empty simple body. */
		FUZZ_CHECK(
		    a.len < 4 || memcmp(a.p + a.len - 4, "\r\n\r\n", 4) != 0);
	}
	for (size_t i = 0; i < a.len; i++) {
		if (a.p[i] == '\n') {
			FUZZ_CHECK(i > 0 && a.p[i - 1] == '\r');
		}
		if (mode == CANON_RELAXED &&
		    (a.p[i] == ' ' || a.p[i] == '\t')) {
			FUZZ_CHECK(a.p[i] == ' ');
			FUZZ_CHECK(i + 1 < a.len && a.p[i + 1] != ' ' &&
			    !(a.p[i + 1] == '\r' && i + 2 < a.len &&
			        a.p[i + 2] == '\n'));
		}
	}
	free(a.p);
	free(b.p);
	return 0;
}
