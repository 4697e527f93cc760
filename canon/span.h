/*
 * span.h - bounded byte views and cursor helpers.
 *
 * Every byte that comes from a message, a DNS answer or a zone file is
 * handled as a struct span: a pointer and an explicit length.  Nothing here
 * relies on a terminating NUL; a NUL byte is ordinary data.  The cursor
 * helpers follow the BoringSSL CBS model: each one checks the remaining
 * length before it reads, advances the span only on success, and returns
 * true on success and false on failure.
 *
 * struct byte_sink is the write callback the canonicalisers feed: it lets
 * canon/ stream canonical bytes into a digest (crypto/) or a buffer without
 * knowing which.
 */
#ifndef AUTHSWEEP_CANON_SPAN_H
#define AUTHSWEEP_CANON_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct span is a borrowed view of |len| bytes at |p|.  |p| may be NULL
 * only when |len| is 0. */
struct span {
	const uint8_t *p;
	size_t len;
};

/* span_make returns a span over |len| bytes at |p|. */
static inline struct span
span_make(const void *p, size_t len)
{
	struct span s = { (const uint8_t *)p, len };
	return s;
}

/* span_lit returns a span over the C string literal |lit| (without its NUL).
 * Use it only for program constants, never for data. */
#define SPAN_LIT(lit) span_make((lit), sizeof(lit) - 1)

/* span_empty returns a span of length 0. */
static inline struct span
span_empty(void)
{
	struct span s = { NULL, 0 };
	return s;
}

/* span_sub returns the |n| bytes of |s| starting at |off|.  The caller
 * guarantees off + n <= s.len. */
static inline struct span
span_sub(struct span s, size_t off, size_t n)
{
	/* No arithmetic on a NULL pointer, even by zero (C11 6.5.6). */
	return s.p == NULL ? s : span_make(s.p + off, n);
}

/* span_skip advances |s| by |n| bytes.  It returns false, leaving |s|
 * unchanged, if fewer than |n| bytes remain. */
bool span_skip(struct span *s, size_t n);

/* span_get_u8 reads one byte into |*out| and advances |s|.  It returns false
 * when |s| is empty. */
bool span_get_u8(struct span *s, uint8_t *out);

/* span_peek_u8 stores the first byte of |s| in |*out| without advancing.
 * It returns false when |s| is empty. */
bool span_peek_u8(const struct span *s, uint8_t *out);

/* span_get_bytes sets |*out| to the next |n| bytes and advances |s|.  It
 * returns false, leaving both unchanged, if fewer than |n| bytes remain. */
bool span_get_bytes(struct span *s, struct span *out, size_t n);

/* span_get_until sets |*out| to the bytes before the first |delim| in |s|
 * and advances |s| to that delimiter (the delimiter is not consumed).  If
 * |delim| does not occur, it returns false and leaves both unchanged. */
bool span_get_until(struct span *s, struct span *out, uint8_t delim);

/* span_find returns the index of the first |c| in |s|, or s.len when |c|
 * does not occur. */
size_t span_find(struct span s, uint8_t c);

/* span_is_wsp reports whether |c| is WSP (RFC 5234: SP or HTAB). */
static inline bool
span_is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* span_is_fws reports whether |c| may appear in folding white space as it is
 * stored: SP, HTAB, CR or LF. */
static inline bool
span_is_fws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* span_skip_wsp advances |s| past SP and HTAB bytes. */
void span_skip_wsp(struct span *s);

/* span_skip_fws advances |s| past SP, HTAB, CR and LF bytes. */
void span_skip_fws(struct span *s);

/* span_trim_fws returns |s| without leading and trailing SP, HTAB, CR and
 * LF bytes. */
struct span span_trim_fws(struct span s);

/* span_eq reports whether |a| and |b| hold the same bytes. */
bool span_eq(struct span a, struct span b);

/* span_eq_icase reports whether |a| and |b| are equal under ASCII case
 * folding.  Bytes outside A-Z/a-z must match exactly. */
bool span_eq_icase(struct span a, struct span b);

/* span_eq_icase_lit reports whether |a| equals the C string literal |lit|
 * under ASCII case folding.  |lit| is a program constant. */
bool span_eq_icase_lit(struct span a, const char *lit);

/* span_has_suffix_icase reports whether |s| ends with |suffix| under ASCII
 * case folding. */
bool span_has_suffix_icase(struct span s, struct span suffix);

/* span_tolower returns the ASCII lowercase form of |c|. */
static inline uint8_t
span_tolower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* span_is_digit reports whether |c| is an ASCII decimal digit. */
static inline bool
span_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* span_is_alpha reports whether |c| is an ASCII letter. */
static inline bool
span_is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* span_get_u64_decimal reads a run of 1 to |max_digits| ASCII digits from
 * the front of |s| into |*out| and advances past them.  It fails, leaving
 * |s| unchanged, on an empty run, on more than |max_digits| digits, or on
 * overflow of uint64_t.  Leading zeros are accepted (RFC 6376 writes these
 * values as 1*12DIGIT and 1*76DIGIT). */
bool span_get_u64_decimal(struct span *s, uint64_t *out, size_t max_digits);

/* span_parse_u64 parses all of |s| as a decimal number with the rules of
 * span_get_u64_decimal.  Any byte after the digits is a failure. */
bool span_parse_u64(struct span s, uint64_t *out, size_t max_digits);

/* struct byte_sink receives canonical bytes.  |write| is called with runs
 * of bytes in order; it never fails (a sink that can fail records the
 * failure itself, sticky, and its owner checks once at the end). */
struct byte_sink {
	void (*write)(void *ctx, const uint8_t *p, size_t len);
	void *ctx;
};

/* byte_sink_write passes |len| bytes at |p| to |sink|; zero-length writes
 * are dropped. */
static inline void
byte_sink_write(const struct byte_sink *sink, const void *p, size_t len)
{
	if (len > 0) {
		sink->write(sink->ctx, (const uint8_t *)p, len);
	}
}

/* struct span_buf is a caller-provided output buffer with a sticky
 * overflow flag: once a write does not fit, |overflow| is set and later
 * writes are dropped.  span_buf_sink() turns it into a byte_sink. */
struct span_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool overflow;
};

/* span_buf_init prepares |b| to write into |cap| bytes at |p|. */
void span_buf_init(struct span_buf *b, uint8_t *p, size_t cap);

/* span_buf_put appends |len| bytes; on overflow it sets the sticky flag and
 * appends nothing. */
void span_buf_put(struct span_buf *b, const void *p, size_t len);

/* span_buf_sink returns a byte_sink that appends to |b|. */
struct byte_sink span_buf_sink(struct span_buf *b);

#endif /* AUTHSWEEP_CANON_SPAN_H */
