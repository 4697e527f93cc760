/*
 * fuzz_hdrcanon.c - header canonicalization on arbitrary messages.
 *
 * The first input byte picks the mode; the rest is parsed as a message and
 * every field is canonicalized.  Simple output must be the raw field with
 * each bare LF turned into CRLF.  Relaxed output of a well-formed field
 * must be "name:value" with the name in lowercase, no LF and no CRLF (a
 * bare CR is data), no TAB, no two SP in a row, no SP right after the
 * colon and none at the end; and relaxing it again must not change it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canon/hdrcanon.h"
#include "canon/msg.h"
#include "tests/fuzz/fuzz.h"

static void
check_simple(struct span raw, const uint8_t *out, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < raw.len; i++) {
		uint8_t c = raw.p[i];
		if (c == '\n' && (i == 0 || raw.p[i - 1] != '\r')) {
			FUZZ_CHECK(o < len && out[o] == '\r');
			o++;
		}
		FUZZ_CHECK(o < len && out[o] == c);
		o++;
	}
	FUZZ_CHECK(o == len);
}

static void
check_relaxed(const struct msg_field *f, const uint8_t *out, size_t len)
{
	size_t nl = f->name.len;
	FUZZ_CHECK(len >= nl + 1);
	for (size_t i = 0; i < nl; i++) {
		uint8_t c = out[i];
		FUZZ_CHECK(c == span_tolower(f->name.p[i]));
		FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
	}
	FUZZ_CHECK(out[nl] == ':');
	if (len > nl + 1) {
		FUZZ_CHECK(out[nl + 1] != ' ' && out[nl + 1] != '\t');
		FUZZ_CHECK(out[len - 1] != ' ');
	}
	for (size_t i = nl + 1; i < len; i++) {
		uint8_t c = out[i];
		FUZZ_CHECK(c != '\n' && c != '\t');
		if (c == ' ') {
			FUZZ_CHECK(i + 1 < len && out[i + 1] != ' ');
		}
	}
}

FUZZ_TARGET(hdrcanon)
{
	if (size < 1) {
		return 0;
	}
	enum canon_mode mode = (data[0] & 1) ? CANON_RELAXED : CANON_SIMPLE;
	data++;
	size--;
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	if (msg_parse(&m, &a, data, size) != MSG_OK) {
		arena_cleanup(&a);
		return 0;
	}
	size_t cap = 2 * size + 4;
	uint8_t *buf = malloc(cap);
	uint8_t *again = malloc(cap);
	FUZZ_CHECK(buf != NULL && again != NULL);
	for (size_t i = 0; i < m.num_fields; i++) {
		const struct msg_field *f = &m.fields[i];
		struct span_buf b;
		span_buf_init(&b, buf, cap);
		struct byte_sink sink = span_buf_sink(&b);
		hdrcanon_field(&sink, mode, f);
		FUZZ_CHECK(!b.overflow);
		if (mode == CANON_SIMPLE || f->malformed) {
			check_simple(f->raw, buf, b.len);
			continue;
		}
		check_relaxed(f, buf, b.len);

		/* Relaxed is idempotent: store the output as a field with a
		 * line ending, parse it and relax it again. */
		FUZZ_CHECK(b.len + 2 <= cap);
		buf[b.len] = '\r';
		buf[b.len + 1] = '\n';
		struct arena a2;
		arena_init(&a2, 1024);
		struct msg m2;
		FUZZ_CHECK(msg_parse(&m2, &a2, buf, b.len + 2) == MSG_OK);
		FUZZ_CHECK(m2.num_fields == 1 && !m2.fields[0].malformed);
		struct span_buf b2;
		span_buf_init(&b2, again, cap);
		struct byte_sink sink2 = span_buf_sink(&b2);
		hdrcanon_field(&sink2, CANON_RELAXED, &m2.fields[0]);
		FUZZ_CHECK(!b2.overflow && b2.len == b.len);
		FUZZ_CHECK(memcmp(again, buf, b.len) == 0);
		arena_cleanup(&a2);
	}
	free(buf);
	free(again);
	arena_cleanup(&a);
	return 0;
}
