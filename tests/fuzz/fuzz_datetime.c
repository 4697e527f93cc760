/*
 * fuzz_datetime.c - RFC 5322 date-time parsing on arbitrary bytes.
 *
 * The input is parsed as a date-time; a success must lie in
 * [1970-01-01T00:00:00Z, 10000-01-01T00:00:00Z).  The input is then put
 * after the ";" of a Received field in a tiny message, and
 * datetime_received must agree with datetime_parse whenever the input has
 * no ";" or line break of its own (those change which bytes follow the last
 * ";" of the field or where the field ends) and is shorter than
 * DATE_MAX_LEN (the field adds one SP before it).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canon/arena.h"
#include "canon/datetime.h"
#include "canon/limits.h"
#include "canon/msg.h"
#include "tests/fuzz/fuzz.h"

/* 10000-01-01T00:00:00Z. */
#define YEAR_10000 INT64_C(253402300800)

static bool
has_any(const uint8_t *p, size_t len, const char *set)
{
	for (size_t i = 0; i < len; i++) {
		for (const char *c = set; *c != '\0'; c++) {
			if (p[i] == (uint8_t)*c) {
				return true;
			}
		}
	}
	return false;
}

FUZZ_TARGET(datetime)
{
	int64_t t = -1;
	bool ok = datetime_parse(span_make(data, size), &t);
	if (ok) {
		FUZZ_CHECK(t >= 0 && t < YEAR_10000);
	} else {
		FUZZ_CHECK(t == -1);
	}

	static const char head[] = "Received: x; ";
	static const char tail[] = "\r\n\r\n";
	size_t hl = sizeof(head) - 1, tl = sizeof(tail) - 1;
	size_t n = hl + size + tl;
	uint8_t *text = malloc(n);
	FUZZ_CHECK(text != NULL);
	memcpy(text, head, hl);
	if (size > 0) {
		memcpy(text + hl, data, size);
	}
	memcpy(text + hl + size, tail, tl);

	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	if (msg_parse(&m, &a, text, n) == MSG_OK) {
		int64_t r = -1;
		bool rok = datetime_received(&m, &r);
		if (rok) {
			FUZZ_CHECK(r >= 0 && r < YEAR_10000);
		}
		if (size < DATE_MAX_LEN && !has_any(data, size, ";\r\n")) {
			/* One field whose date is the input after one SP,
			 * which is CFWS and so changes nothing. */
			FUZZ_CHECK(rok == ok && (!ok || r == t));
		}
	}
	arena_cleanup(&a);
	free(text);
	return 0;
}
