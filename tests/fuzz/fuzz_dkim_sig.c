/*
 * fuzz_dkim_sig.c - DKIM-Signature field parsing on arbitrary bytes.
 *
 * The input is a field value.  Whatever dkim_sig_parse says, the spans it
 * keeps must lie inside the input (or the arena for decoded values), the
 * b= region must lie inside the field, and removing it must give a field
 * exactly that much shorter.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/dkim.h"
#include "canon/arena.h"
#include "tests/fuzz/fuzz.h"

static int
inside(struct span s, const uint8_t *p, size_t len)
{
	return s.len == 0 || (s.p >= p && s.p + s.len <= p + len);
}

FUZZ_TARGET(dkim_sig)
{
	static const char head[] = "DKIM-Signature:";
	size_t n = sizeof(head) - 1 + size;
	uint8_t *text = malloc(n == 0 ? 1 : n);
	FUZZ_CHECK(text != NULL);
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, data, size);
	struct msg_field f = {
		.raw = span_make(text, n),
		.name = span_make(text, sizeof(head) - 2),
		.value = span_make(text + sizeof(head) - 1, size),
		.malformed = false,
	};
	struct arena a;
	arena_init(&a, 4096);
	struct dkim_sig sig;
	enum dkim_reason why =
	    dkim_sig_parse(&sig, &a, &f, &dkim_signature_rules);
	FUZZ_CHECK((unsigned)why < DKIM_R_NUM);
	FUZZ_CHECK(inside(sig.d, text, n) && inside(sig.s, text, n));
	FUZZ_CHECK(inside(sig.a, text, n) && inside(sig.c, text, n));
	FUZZ_CHECK(inside(sig.b_region, text, n));
	if (why == DKIM_R_OK) {
		FUZZ_CHECK(sig.num_h >= 1 && sig.num_h <= DKIM_MAX_H_ENTRIES);
		FUZZ_CHECK(sig.b_len <= SIG_MAX_BYTES);
		FUZZ_CHECK(sig.auid_domain.len > 0);
		struct msg_field nob;
		FUZZ_CHECK(dkim_field_without_b(&nob, &a, &f, sig.b_region));
		FUZZ_CHECK(nob.raw.len == f.raw.len - sig.b_region.len);
	}
	arena_cleanup(&a);
	free(text);
	return 0;
}
