/*
 * test_msg.c - the zero-copy RFC 5322 message parser (canon/msg.h).
 *
 * Each table case gives a stored message and the exact index expected from
 * it: every field's raw bytes, name and value, whether it is malformed, the
 * body, and the storage flags.  Every case also checks the structural
 * invariants: spans point into the input, fields are in order and do not
 * overlap, and the body is a suffix of the input.
 */
#include "tests/harness.h"

#include <stdlib.h>

#include "canon/limits.h"
#include "canon/msg.h"

/* L expands a string literal to "pointer, length" (embedded NULs kept). */
#define L(lit) lit, sizeof(lit) - 1

struct want_field {
	const char *raw;
	size_t raw_len;
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	bool malformed;
};

/* F is a well-formed field; M a malformed one (no name, no value). */
#define F(raw, name, value)                                                    \
	{                                                                      \
		L(raw), L(name), L(value), false                               \
	}
#define M(raw)                                                                 \
	{                                                                      \
		L(raw), L(""), L(""), true                                     \
	}

enum { MAX_WANT = 4 };

struct msg_case {
	const char *name;
	const char *in;
	size_t in_len;
	unsigned flags;
	size_t num_fields;
	struct want_field fields[MAX_WANT];
	const char *body;
	size_t body_len;
};

static const struct msg_case cases[] = {
	/* Storage: CRLF, LF-only and mixed parse the same way. */
	{ "CRLF storage", L("From: a\r\nTo: b\r\n\r\nbody\r\n"), MSG_F_CRLF, 2,
	    { F("From: a", "From", " a"), F("To: b", "To", " b") },
	    L("body\r\n") },
	{ "LF-only storage", L("From: a\nTo: b\n\nbody\n"), MSG_F_LF, 2,
	    { F("From: a", "From", " a"), F("To: b", "To", " b") },
	    L("body\n") },
	{ "mixed storage", L("From: a\r\nTo: b\n\r\nbody"),
	    MSG_F_CRLF | MSG_F_LF, 2,
	    { F("From: a", "From", " a"), F("To: b", "To", " b") }, L("body") },
	{ "LF empty line after CRLF fields", L("A: 1\r\n\nB: 2\r\n"),
	    MSG_F_CRLF | MSG_F_LF, 1, { F("A: 1", "A", " 1") }, L("B: 2\r\n") },
	/* Folding: raw includes continuation lines, not the final line
	 * ending. */
	{ "folded with CRLF", L("Subject: a\r\n b\r\n\tc\r\nTo: x\r\n\r\n"),
	    MSG_F_CRLF, 2,
	    { F("Subject: a\r\n b\r\n\tc", "Subject", " a\r\n b\r\n\tc"),
	        F("To: x", "To", " x") },
	    L("") },
	{ "folded with bare LF", L("Subject: a\n b\n\tc\nTo: x\n\n"), MSG_F_LF,
	    2,
	    { F("Subject: a\n b\n\tc", "Subject", " a\n b\n\tc"),
	        F("To: x", "To", " x") },
	    L("") },
	{ "folded with mixed endings", L("A: 1\r\n 2\n 3\r\n\r\n"),
	    MSG_F_CRLF | MSG_F_LF, 1,
	    { F("A: 1\r\n 2\n 3", "A", " 1\r\n 2\n 3") }, L("") },
	{ "whitespace-only continuation", L("A: b\n \nC: d\n\n"), MSG_F_LF, 2,
	    { F("A: b\n ", "A", " b\n "), F("C: d", "C", " d") }, L("") },
	{ "folded last line without terminator", L("A: b\n c"),
	    MSG_F_LF | MSG_F_NO_BODY, 1, { F("A: b\n c", "A", " b\n c") },
	    L("") },
	{ "value on the continuation line only", L("A:\r\n b\r\n\r\n"),
	    MSG_F_CRLF, 1, { F("A:\r\n b", "A", "\r\n b") }, L("") },
	/* Names: WSP before the colon (RFC 5322 §4.5.3) and odd spellings. */
	{ "space before colon", L("Subject : x\n\n"), MSG_F_LF, 1,
	    { F("Subject : x", "Subject", " x") }, L("") },
	{ "tabs and spaces before colon", L("Subject \t :x\n\n"), MSG_F_LF, 1,
	    { F("Subject \t :x", "Subject", "x") }, L("") },
	{ "odd case name", L("sUbJeCt: x\n\n"), MSG_F_LF, 1,
	    { F("sUbJeCt: x", "sUbJeCt", " x") }, L("") },
	{ "all ftext punctuation in name",
	    L("X-a.b_c!#$%&'*+/=?^`{|}~\"(),;<>@[]\\: v\n\n"), MSG_F_LF, 1,
	    { F("X-a.b_c!#$%&'*+/=?^`{|}~\"(),;<>@[]\\: v",
	        "X-a.b_c!#$%&'*+/=?^`{|}~\"(),;<>@[]\\", " v") },
	    L("") },
	{ "empty value", L("Subject:\r\n\r\n"), MSG_F_CRLF, 1,
	    { F("Subject:", "Subject", "") }, L("") },
	{ "value is only WSP", L("Subject: \t \n\n"), MSG_F_LF, 1,
	    { F("Subject: \t ", "Subject", " \t ") }, L("") },
	{ "colons in value", L("A: b: c:\n\n"), MSG_F_LF, 1,
	    { F("A: b: c:", "A", " b: c:") }, L("") },
	/* Where the header section ends. */
	{ "headers only, no final line ending", L("From: a\r\nTo: b"),
	    MSG_F_CRLF | MSG_F_NO_BODY, 2,
	    { F("From: a", "From", " a"), F("To: b", "To", " b") }, L("") },
	{ "headers only, final line ending", L("From: a\r\n"),
	    MSG_F_CRLF | MSG_F_NO_BODY, 1, { F("From: a", "From", " a") },
	    L("") },
	{ "empty line with nothing after it", L("From: a\r\n\r\n"), MSG_F_CRLF,
	    1, { F("From: a", "From", " a") }, L("") },
	{ "empty message", L(""), MSG_F_NO_BODY, 0, { { 0 } }, L("") },
	{ "message starts with the empty line", L("\r\nbody\r\n"), MSG_F_CRLF,
	    0, { { 0 } }, L("body\r\n") },
	{ "message is one LF", L("\n"), MSG_F_LF, 0, { { 0 } }, L("") },
	{ "body starts right after the first empty line",
	    L("A: b\n\n\nX: y\n\n"), MSG_F_LF, 1, { F("A: b", "A", " b") },
	    L("\nX: y\n\n") },
	{ "body starting with WSP is not a continuation",
	    L("A: b\r\n\r\n c\r\n"), MSG_F_CRLF, 1, { F("A: b", "A", " b") },
	    L(" c\r\n") },
	/* Malformed lines keep their place and bytes. */
	{ "line without colon", L("no colon here\nA: b\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 2,
	    { M("no colon here"), F("A: b", "A", " b") }, L("") },
	{ "first line starts with a space", L(" A: b\nB: c\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 2, { M(" A: b"), F("B: c", "B", " c") },
	    L("") },
	{ "first line starts with a tab, then continuation",
	    L("\tA: b\n c\nB: c\n\n"), MSG_F_LF | MSG_F_MALFORMED, 2,
	    { M("\tA: b\n c"), F("B: c", "B", " c") }, L("") },
	{ "mbox From line",
	    L("From foo@example.com Mon Jan  1 00:00:00 2024\nFrom: a\n\nb"),
	    MSG_F_LF | MSG_F_MALFORMED, 2,
	    { M("From foo@example.com Mon Jan  1 00:00:00 2024"),
	        F("From: a", "From", " a") },
	    L("b") },
	{ "mbox From line without colon", L("From foo\nFrom: a\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 2,
	    { M("From foo"), F("From: a", "From", " a") }, L("") },
	{ "space inside name", L("Sub ject: x\n\n"), MSG_F_LF | MSG_F_MALFORMED,
	    1, { M("Sub ject: x") }, L("") },
	{ "empty name", L(": x\n\n"), MSG_F_LF | MSG_F_MALFORMED, 1,
	    { M(": x") }, L("") },
	{ "only WSP before colon", L(" : x\nA: b\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 2, { M(" : x"), F("A: b", "A", " b") },
	    L("") },
	{ "name without colon ending in WSP", L("Subject \nA: b\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 2,
	    { M("Subject "), F("A: b", "A", " b") }, L("") },
	{ "control byte in name", L("Sub\x01ject: x\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 1, { M("Sub\x01ject: x") }, L("") },
	{ "DEL in name", L("Sub\x7fject: x\n\n"), MSG_F_LF | MSG_F_MALFORMED, 1,
	    { M("Sub\x7fject: x") }, L("") },
	/* NUL, 8-bit and bare CR are data. */
	{ "NUL in header value and body", L("A: b\0c\n\nbo\0dy"), MSG_F_LF, 1,
	    { F("A: b\0c", "A", " b\0c") }, L("bo\0dy") },
	{ "NUL in name is malformed", L("A\0B: x\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 1, { M("A\0B: x") }, L("") },
	{ "NUL line is not the empty line", L("A: b\n\0\nbody"),
	    MSG_F_LF | MSG_F_MALFORMED | MSG_F_NO_BODY, 3,
	    { F("A: b", "A", " b"), M("\0"), M("body") }, L("") },
	{ "8-bit bytes in value and body",
	    L("Subject: \xc3\xa9t\xc3\xa9\n\n\xff\xfe\x80"), MSG_F_LF, 1,
	    { F("Subject: \xc3\xa9t\xc3\xa9", "Subject",
	        " \xc3\xa9t\xc3\xa9") },
	    L("\xff\xfe\x80") },
	{ "8-bit byte in name is malformed", L("Sub\xe9ject: x\n\n"),
	    MSG_F_LF | MSG_F_MALFORMED, 1, { M("Sub\xe9ject: x") }, L("") },
	{ "bare CR in header value", L("A: b\rc\r\nD: e\r\n\r\n"), MSG_F_CRLF,
	    2, { F("A: b\rc", "A", " b\rc"), F("D: e", "D", " e") }, L("") },
	{ "CR CR LF keeps one CR as data", L("A: b\r\r\n\r\n"), MSG_F_CRLF, 1,
	    { F("A: b\r", "A", " b\r") }, L("") },
	{ "bare CR line is not the empty line", L("A: b\n\r\r\nbody"),
	    MSG_F_LF | MSG_F_CRLF | MSG_F_MALFORMED | MSG_F_NO_BODY, 3,
	    { F("A: b", "A", " b"), M("\r"), M("body") }, L("") },
	{ "final bare CR is data", L("A: b\r"), MSG_F_NO_BODY, 1,
	    { F("A: b\r", "A", " b\r") }, L("") },
};

/* check_invariants verifies what must hold for any parse: every span lies
 * inside the input, fields are in order without overlap, name and value lie
 * inside raw, the value ends where raw ends, and the body is a suffix of
 * the input. */
static void
check_invariants(const struct msg *m, const uint8_t *in, size_t len)
{
	assert_ptr_equal(m->raw.p, in);
	assert_int_equal(m->raw.len, len);
	const uint8_t *end = in + len;
	const uint8_t *prev_end = in;
	for (size_t i = 0; i < m->num_fields; i++) {
		const struct msg_field *f = &m->fields[i];
		assert_true(f->raw.p >= prev_end);
		assert_true(f->raw.len <= (size_t)(end - f->raw.p));
		prev_end = f->raw.p + f->raw.len;
		if (f->malformed) {
			assert_int_equal(f->name.len, 0);
			assert_int_equal(f->value.len, 0);
			continue;
		}
		assert_ptr_equal(f->name.p, f->raw.p);
		assert_true(f->name.len > 0 && f->name.len < f->raw.len);
		assert_true(f->value.p > f->name.p + f->name.len - 1);
		assert_ptr_equal(f->value.p + f->value.len, prev_end);
		assert_int_equal(f->value.p[-1], ':');
	}
	assert_ptr_equal(m->body.p + m->body.len, end);
	assert_true(m->body.p >= prev_end);
}

static void
test_msg_parse_cases(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct msg_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		/* Parse a heap copy of exact size so that ASan catches any read
		 * past the end. */
		uint8_t *in = malloc(tc->in_len + 1);
		assert_non_null(in);
		memcpy(in, tc->in, tc->in_len);
		struct msg m;
		assert_int_equal(msg_parse(&m, &a, in, tc->in_len), MSG_OK);
		check_invariants(&m, in, tc->in_len);
		assert_int_equal(m.flags, tc->flags);
		assert_int_equal(m.num_fields, tc->num_fields);
		for (size_t k = 0; k < tc->num_fields; k++) {
			const struct want_field *w = &tc->fields[k];
			const struct msg_field *f = &m.fields[k];
			print_message("  field %zu\n", k);
			assert_span_equal(f->raw, w->raw, w->raw_len);
			assert_int_equal(f->malformed, w->malformed);
			assert_span_equal(f->name, w->name, w->name_len);
			assert_span_equal(f->value, w->value, w->value_len);
		}
		assert_span_equal(m.body, tc->body, tc->body_len);
		free(in);
		arena_reset(&a);
	}
	arena_cleanup(&a);
}

struct is_case {
	const char *name;
	struct span in; /* a one-field message */
	struct span query;
	bool want;
};

static void
test_msg_field_is_cases(void **state)
{
	(void)state;
	const struct is_case is_cases[] = {
		{ "exact name", S("From: a\n"), S("From"), true },
		{ "case-insensitive", S("fROM: a\n"), S("From"), true },
		{ "WSP before colon is not part of the name", S("From : a\n"),
		    S("From"), true },
		{ "name with trailing space queried", S("From : a\n"),
		    S("From "), false },
		{ "prefix does not match", S("From: a\n"), S("Fro"), false },
		{ "longer does not match", S("From: a\n"), S("From-X"), false },
		{ "other name", S("To: a\n"), S("From"), false },
		{ "NUL in query", S("From: a\n"), S("From\0"), false },
		{ "malformed mbox line never matches",
		    S("From foo@example.com\n"), S("From"), false },
		{ "malformed mbox line with colon never matches",
		    S("From x 00:00\n"), S("From x 00"), false },
		{ "malformed never matches the empty name", S(": x\n"), S(""),
		    false },
		{ "malformed space-started line never matches", S(" A: b\n"),
		    S("A"), false },
		{ "malformed space-started line, raw name", S(" A: b\n"),
		    S(" A"), false },
	};
	struct arena a;
	arena_init(&a, 4096);
	for (size_t i = 0; i < ARRAY_LEN(is_cases); i++) {
		const struct is_case *tc = &is_cases[i];
		print_message("case: %s\n", tc->name);
		struct msg m;
		assert_int_equal(
		    msg_parse(&m, &a, tc->in.p, tc->in.len), MSG_OK);
		assert_int_equal(m.num_fields, 1);
		assert_int_equal(
		    msg_field_is(&m.fields[0], tc->query), tc->want);
		arena_reset(&a);
	}
	arena_cleanup(&a);
}

/* build_fields returns a malloc'd message of |n| fields "a:\n", then an
 * empty line and |body_fields| more "a:\n" lines as body. */
static uint8_t *
build_fields(size_t n, size_t body_fields, size_t *out_len)
{
	size_t len = 3 * n + 1 + 3 * body_fields;
	uint8_t *p = malloc(len);
	assert_non_null(p);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(p + o, "a:\n", 3);
		o += 3;
	}
	p[o++] = '\n';
	for (size_t i = 0; i < body_fields; i++) {
		memcpy(p + o, "a:\n", 3);
		o += 3;
	}
	*out_len = o;
	return p;
}

static void
test_msg_too_many_fields(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 64 * 1024);
	struct msg m;
	size_t len;

	/* Exactly the limit is fine, and body lines do not count. */
	uint8_t *p = build_fields(MSG_MAX_FIELDS, 10, &len);
	assert_int_equal(msg_parse(&m, &a, p, len), MSG_OK);
	assert_int_equal(m.num_fields, MSG_MAX_FIELDS);
	assert_int_equal(m.body.len, 30);
	check_invariants(&m, p, len);
	free(p);
	arena_reset(&a);

	/* One more field is an error. */
	p = build_fields(MSG_MAX_FIELDS + 1, 0, &len);
	assert_int_equal(msg_parse(&m, &a, p, len), MSG_ERR_TOO_MANY_FIELDS);
	free(p);
	arena_reset(&a);

	/* Continuation lines do not count as fields. */
	size_t n = MSG_MAX_FIELDS;
	len = 3 * n + 3 * n + 1;
	p = malloc(len);
	assert_non_null(p);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(p + o, "a:\n x\n", 6);
		o += 6;
	}
	p[o++] = '\n';
	assert_int_equal(msg_parse(&m, &a, p, o), MSG_OK);
	assert_int_equal(m.num_fields, n);
	assert_span_equal(m.fields[n - 1].raw, "a:\n x", 5);
	free(p);

	assert_string_not_equal(
	    msg_status_str(MSG_ERR_TOO_MANY_FIELDS), "unknown");
	arena_cleanup(&a);
}

/* An allocation failure while growing the field index is reported as
 * MSG_ERR_NOMEM, at whichever allocation it happens; a parse that
 * succeeds under the injector is complete. */
static void
test_msg_arena_failure_is_nomem(void **state)
{
	(void)state;
	size_t len;
	uint8_t *p = build_fields(1000, 1, &len);
	struct arena a;
	arena_init(&a, 1024);
	struct msg m;

	arena_fail_after(&a, 1);
	assert_int_equal(msg_parse(&m, &a, p, len), MSG_ERR_NOMEM);
	arena_reset(&a);

	size_t num_nomem = 0;
	for (size_t n = 1; n <= 40; n++) {
		arena_fail_after(&a, n);
		enum msg_status st = msg_parse(&m, &a, p, len);
		if (st == MSG_OK) {
			assert_int_equal(m.num_fields, 1000);
			check_invariants(&m, p, len);
		} else {
			assert_int_equal(st, MSG_ERR_NOMEM);
			num_nomem++;
		}
		arena_reset(&a);
	}
	assert_true(num_nomem >= 1);

	/* A message without header fields allocates nothing. */
	arena_fail_after(&a, 1);
	assert_int_equal(
	    msg_parse(&m, &a, (const uint8_t *)"\nbody", 5), MSG_OK);
	assert_int_equal(m.num_fields, 0);

	arena_fail_after(&a, 0);
	assert_int_equal(msg_parse(&m, &a, p, len), MSG_OK);
	assert_int_equal(m.num_fields, 1000);
	assert_string_not_equal(msg_status_str(MSG_ERR_NOMEM), "unknown");
	assert_string_equal(msg_status_str(MSG_OK), "ok");
	free(p);
	arena_cleanup(&a);
}

/* An empty message given as a NULL pointer and length 0 (an empty span as
 * span.h allows it) parses as an empty message, without pointer arithmetic
 * on NULL (clang UBSan: "applying zero offset to null pointer").  Kept
 * last: under clang UBSan a failure aborts. */
static void
test_msg_parse_null_empty_message(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1024);
	struct msg m;
	assert_int_equal(msg_parse(&m, &a, NULL, 0), MSG_OK);
	assert_int_equal(m.num_fields, 0);
	assert_int_equal(m.body.len, 0);
	assert_int_equal(m.flags, MSG_F_NO_BODY);
	arena_cleanup(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_parse_cases),
		cmocka_unit_test(test_msg_field_is_cases),
		cmocka_unit_test(test_msg_too_many_fields),
		cmocka_unit_test(test_msg_arena_failure_is_nomem),
		cmocka_unit_test(test_msg_parse_null_empty_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
