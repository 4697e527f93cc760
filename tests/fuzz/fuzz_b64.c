/*
 * fuzz_b64.c - the base64 decoder on arbitrary bytes.
 *
 * The input is decoded with FWS allowed.  When it decodes, the output is no
 * longer than 3/4 of the input, exactly 3/4 of its non-FWS characters less
 * the padding; one byte less of capacity must fail; and encoding the bytes
 * and decoding again gives the same bytes.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/b64.h"
#include "tests/fuzz/fuzz.h"

FUZZ_TARGET(b64)
{
	struct span in = span_make(data, size);
	size_t cap = size + 1;
	uint8_t *out = malloc(cap);
	FUZZ_CHECK(out != NULL);
	size_t n = 0;
	if (!b64_decode(out, cap, &n, in)) {
		free(out);
		return 0;
	}
	FUZZ_CHECK(n <= 3 * size / 4);
	size_t chars = 0, pad = 0;
	for (size_t i = 0; i < size; i++) {
		if (!span_is_fws(data[i])) {
			chars++;
			pad += data[i] == '=';
		}
	}
	FUZZ_CHECK(chars % 4 == 0 && pad <= 2);
	FUZZ_CHECK(n == chars / 4 * 3 - pad);

	/* The capacity check is exact: one byte less fails, without writing
	 * past it (ASan sees the exact-size buffer). */
	if (n > 0) {
		uint8_t *small = malloc(n - 1 == 0 ? 1 : n - 1);
		FUZZ_CHECK(small != NULL);
		size_t sn = 0;
		FUZZ_CHECK(!b64_decode(small, n - 1, &sn, in));
		free(small);
	}

	/* Round trip: encode, then decode again. */
	size_t elen = b64_encoded_len(n);
	FUZZ_CHECK(elen == chars);
	char *enc = malloc(elen == 0 ? 1 : elen);
	FUZZ_CHECK(enc != NULL);
	FUZZ_CHECK(b64_encode(enc, out, n) == elen);
	uint8_t *again = malloc(n == 0 ? 1 : n);
	FUZZ_CHECK(again != NULL);
	size_t n2 = 0;
	FUZZ_CHECK(b64_decode(again, n, &n2, span_make(enc, elen)));
	FUZZ_CHECK(n2 == n);
	FUZZ_CHECK(n == 0 || memcmp(again, out, n) == 0);
	free(again);
	free(enc);
	free(out);
	return 0;
}
