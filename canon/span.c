/*
 * span.c - bounded byte views and cursor helpers (see span.h).
 *
 * Each helper checks the remaining length before it reads and moves the
 * cursor only on success.  No helper assumes a terminating NUL.
 */
#include "canon/span.h"

#include <string.h>

bool
span_skip(struct span *s, size_t n)
{
	if (s->len < n) {
		return false;
	}
	if (n == 0) {
		return true;
	}
	s->p += n;
	s->len -= n;
	return true;
}

bool
span_get_u8(struct span *s, uint8_t *out)
{
	if (s->len < 1) {
		return false;
	}
	*out = s->p[0];
	s->p++;
	s->len--;
	return true;
}

bool
span_peek_u8(const struct span *s, uint8_t *out)
{
	if (s->len < 1) {
		return false;
	}
	*out = s->p[0];
	return true;
}

bool
span_get_bytes(struct span *s, struct span *out, size_t n)
{
	if (s->len < n) {
		return false;
	}
	*out = span_make(s->p, n);
	if (n > 0) {
		s->p += n;
		s->len -= n;
	}
	return true;
}

size_t
span_find(struct span s, uint8_t c)
{
	if (s.len == 0) {
		return 0;
	}
	const uint8_t *hit = memchr(s.p, c, s.len);
	return hit == NULL ? s.len : (size_t)(hit - s.p);
}

bool
span_get_until(struct span *s, struct span *out, uint8_t delim)
{
	size_t i = span_find(*s, delim);
	if (i == s->len) {
		return false;
	}
	return span_get_bytes(s, out, i);
}

void
span_skip_wsp(struct span *s)
{
	while (s->len > 0 && span_is_wsp(s->p[0])) {
		s->p++;
		s->len--;
	}
}

void
span_skip_fws(struct span *s)
{
	while (s->len > 0 && span_is_fws(s->p[0])) {
		s->p++;
		s->len--;
	}
}

struct span
span_trim_fws(struct span s)
{
	span_skip_fws(&s);
	while (s.len > 0 && span_is_fws(s.p[s.len - 1])) {
		s.len--;
	}
	return s;
}

bool
span_eq(struct span a, struct span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
span_eq_icase(struct span a, struct span b)
{
	if (a.len != b.len) {
		return false;
	}
	for (size_t i = 0; i < a.len; i++) {
		if (span_tolower(a.p[i]) != span_tolower(b.p[i])) {
			return false;
		}
	}
	return true;
}

bool
span_eq_icase_lit(struct span a, const char *lit)
{
	/* |lit| is a program constant; its NUL is the only terminator we
	 * trust, and |a| is walked by length. */
	size_t i = 0;
	for (; lit[i] != '\0'; i++) {
		if (i >= a.len ||
		    span_tolower(a.p[i]) != span_tolower((uint8_t)lit[i])) {
			return false;
		}
	}
	return i == a.len;
}

bool
span_has_suffix_icase(struct span s, struct span suffix)
{
	if (suffix.len > s.len) {
		return false;
	}
	return span_eq_icase(
	    span_sub(s, s.len - suffix.len, suffix.len), suffix);
}

bool
span_get_u64_decimal(struct span *s, uint64_t *out, size_t max_digits)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < s->len && span_is_digit(s->p[i])) {
		if (i == max_digits) {
			return false;
		}
		uint64_t d = (uint64_t)(s->p[i] - '0');
		/* Check before multiplying, as CBS_get_u64_decimal does. */
		if (v > UINT64_MAX / 10 || v * 10 > UINT64_MAX - d) {
			return false;
		}
		v = v * 10 + d;
		i++;
	}
	if (i == 0) {
		return false;
	}
	*out = v;
	s->p += i;
	s->len -= i;
	return true;
}

bool
span_parse_u64(struct span s, uint64_t *out, size_t max_digits)
{
	uint64_t v;
	if (!span_get_u64_decimal(&s, &v, max_digits) || s.len != 0) {
		return false;
	}
	*out = v;
	return true;
}

void
span_buf_init(struct span_buf *b, uint8_t *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->overflow = false;
}

void
span_buf_put(struct span_buf *b, const void *p, size_t len)
{
	if (b->overflow || len > b->cap - b->len) {
		b->overflow = true;
		return;
	}
	if (len > 0) {
		memcpy(b->p + b->len, p, len);
		b->len += len;
	}
}

static void
span_buf_write(void *ctx, const uint8_t *p, size_t len)
{
	span_buf_put(ctx, p, len);
}

struct byte_sink
span_buf_sink(struct span_buf *b)
{
	struct byte_sink sink = { span_buf_write, b };
	return sink;
}
