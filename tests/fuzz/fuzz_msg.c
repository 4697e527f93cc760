/*
 * fuzz_msg.c - the message parser on arbitrary bytes.
 *
 * msg_parse must index any input.  The index must describe the input
 * exactly: field spans lie inside it, in order and without overlap; each
 * name and value lies inside its field; the body is a suffix of the input;
 * and the flags agree with the fields.  Every field is then canonicalized
 * in both modes into a buffer of bounded size, and the output length is
 * checked against what the raw bytes allow.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "canon/hdrcanon.h"
#include "canon/limits.h"
#include "canon/msg.h"
#include "tests/fuzz/fuzz.h"

static bool
inside(struct span s, const uint8_t *lo, const uint8_t *hi)
{
	if (s.len == 0) {
		return s.p == NULL || (s.p >= lo && s.p <= hi);
	}
	return s.p >= lo && s.p <= hi && s.len <= (size_t)(hi - s.p);
}

static size_t
count_bare_lf(struct span s)
{
	size_t n = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] == '\n' && (i == 0 || s.p[i - 1] != '\r')) {
			n++;
		}
	}
	return n;
}

FUZZ_TARGET(msg)
{
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	enum msg_status st = msg_parse(&m, &a, data, size);
	FUZZ_CHECK(st == MSG_OK || st == MSG_ERR_TOO_MANY_FIELDS);
	if (st != MSG_OK) {
		arena_cleanup(&a);
		return 0;
	}
	const uint8_t *end = data + size;
	FUZZ_CHECK(m.raw.p == data && m.raw.len == size);
	FUZZ_CHECK(m.num_fields <= MSG_MAX_FIELDS);

	const uint8_t *prev = data;
	bool any_malformed = false;
	size_t max_raw = 0;
	for (size_t i = 0; i < m.num_fields; i++) {
		const struct msg_field *f = &m.fields[i];
		FUZZ_CHECK(inside(f->raw, data, end));
		/* In order, not overlapping, and separated by a line ending. */
		FUZZ_CHECK(f->raw.p >= prev);
		if (i > 0) {
			FUZZ_CHECK(f->raw.p > prev && f->raw.p[-1] == '\n');
		} else {
			FUZZ_CHECK(f->raw.p == data);
		}
		prev = f->raw.p + f->raw.len;
		/* A field never ends with its own line ending. */
		FUZZ_CHECK(prev == end || *prev == '\n' ||
		    (*prev == '\r' && prev + 1 < end && prev[1] == '\n'));
		if (f->malformed) {
			any_malformed = true;
			FUZZ_CHECK(f->name.len == 0 && f->value.len == 0);
		} else {
			FUZZ_CHECK(f->name.len > 0);
			FUZZ_CHECK(f->name.p == f->raw.p);
			FUZZ_CHECK(inside(f->name, f->raw.p, prev));
			FUZZ_CHECK(inside(f->value, f->raw.p, prev));
			FUZZ_CHECK(f->value.p + f->value.len == prev);
			FUZZ_CHECK(
			    f->value.p > f->raw.p && f->value.p[-1] == ':');
			FUZZ_CHECK(msg_field_is(f, f->name));
			for (size_t k = 0; k < f->name.len; k++) {
				uint8_t c = f->name.p[k];
				FUZZ_CHECK(c > 32 && c < 127 && c != ':');
			}
		}
		if (f->raw.len > max_raw) {
			max_raw = f->raw.len;
		}
	}
	FUZZ_CHECK(((m.flags & MSG_F_MALFORMED) != 0) == any_malformed);
	FUZZ_CHECK(inside(m.body, data, end));
	FUZZ_CHECK(m.body.p + m.body.len == end);
	FUZZ_CHECK(m.body.p >= prev);
	if (m.flags & MSG_F_NO_BODY) {
		FUZZ_CHECK(m.body.len == 0);
	} else {
		/* The body follows an empty line. */
		FUZZ_CHECK(m.body.p > data && m.body.p[-1] == '\n');
	}

	/* Canonicalize every field in both modes into a bounded buffer. */
	size_t cap = 2 * max_raw + 2;
	uint8_t *buf = malloc(cap);
	FUZZ_CHECK(buf != NULL);
	for (size_t i = 0; i < m.num_fields; i++) {
		const struct msg_field *f = &m.fields[i];
		struct span_buf b;
		struct byte_sink sink = span_buf_sink(&b);

		span_buf_init(&b, buf, cap);
		hdrcanon_field(&sink, CANON_SIMPLE, f);
		FUZZ_CHECK(!b.overflow);
		FUZZ_CHECK(b.len == f->raw.len + count_bare_lf(f->raw));

		span_buf_init(&b, buf, cap);
		hdrcanon_field(&sink, CANON_RELAXED, f);
		FUZZ_CHECK(!b.overflow);
		if (f->malformed) {
			FUZZ_CHECK(b.len == f->raw.len + count_bare_lf(f->raw));
		} else {
			FUZZ_CHECK(b.len >= f->name.len + 1);
			FUZZ_CHECK(b.len <= f->raw.len);
		}
	}
	free(buf);
	arena_cleanup(&a);
	return 0;
}
