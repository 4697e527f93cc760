/*
 * test_span.c - bounded byte views and cursor helpers (canon/span.h).
 *
 * The cursor helpers must never read past the end of a span and must leave
 * the span untouched when they fail; the number parser must be strict; the
 * comparisons must treat NUL and 8-bit bytes as ordinary data.
 */
#include "tests/harness.h"

#include "canon/span.h"

/* Every cursor helper fails at the end of its input and leaves the span
 * (and its output) as it was. */
static void
test_span_cursor_past_end_fails_unchanged(void **state)
{
	(void)state;
	static const uint8_t data[] = { 'a', 'b', 'c' };
	struct span s = span_make(data, sizeof(data));
	uint8_t c = 0x55;
	struct span out = S("untouched");

	assert_false(span_skip(&s, 4));
	assert_ptr_equal(s.p, data);
	assert_int_equal(s.len, 3);

	assert_false(span_get_bytes(&s, &out, 4));
	assert_ptr_equal(s.p, data);
	assert_int_equal(s.len, 3);
	assert_span_equal(out, "untouched", 9);

	assert_false(span_get_until(&s, &out, 'z'));
	assert_ptr_equal(s.p, data);
	assert_int_equal(s.len, 3);
	assert_span_equal(out, "untouched", 9);

	assert_true(span_skip(&s, 3));
	assert_int_equal(s.len, 0);
	assert_ptr_equal(s.p, data + 3);

	assert_false(span_get_u8(&s, &c));
	assert_int_equal(c, 0x55);
	assert_false(span_peek_u8(&s, &c));
	assert_int_equal(c, 0x55);
	assert_false(span_skip(&s, 1));
	assert_int_equal(s.len, 0);
	assert_ptr_equal(s.p, data + 3);

	/* Zero-length operations at the end succeed. */
	assert_true(span_skip(&s, 0));
	assert_true(span_get_bytes(&s, &out, 0));
	assert_int_equal(out.len, 0);

	/* An empty span with a NULL pointer is valid input. */
	struct span e = span_empty();
	assert_false(span_get_u8(&e, &c));
	assert_false(span_peek_u8(&e, &c));
	assert_false(span_get_until(&e, &out, 'a'));
	assert_int_equal(span_find(e, 'a'), 0);
	assert_int_equal(e.len, 0);
}

static void
test_span_cursor_advances_on_success(void **state)
{
	(void)state;
	struct span s = S("ab\0cd;ef");
	uint8_t c = 0;
	struct span out;

	assert_true(span_peek_u8(&s, &c));
	assert_int_equal(c, 'a');
	assert_int_equal(s.len, 8);
	assert_true(span_get_u8(&s, &c));
	assert_int_equal(c, 'a');
	assert_int_equal(s.len, 7);

	/* span_get_until finds a NUL delimiter like any other byte. */
	assert_true(span_get_until(&s, &out, '\0'));
	assert_span_equal(out, "b", 1);
	assert_true(span_get_u8(&s, &c));
	assert_int_equal(c, '\0');

	/* The delimiter is not consumed. */
	assert_true(span_get_until(&s, &out, ';'));
	assert_span_equal(out, "cd", 2);
	assert_span_equal(s, ";ef", 3);

	/* A delimiter at the front yields an empty span. */
	assert_true(span_get_until(&s, &out, ';'));
	assert_int_equal(out.len, 0);
	assert_span_equal(s, ";ef", 3);

	assert_true(span_get_bytes(&s, &out, 3));
	assert_span_equal(out, ";ef", 3);
	assert_int_equal(s.len, 0);
}

struct find_case {
	const char *name;
	struct span in;
	uint8_t c;
	size_t want;
};

static void
test_span_find_cases(void **state)
{
	(void)state;
	const struct find_case cases[] = {
		{ "first byte", S("abc"), 'a', 0 },
		{ "middle byte", S("abc"), 'b', 1 },
		{ "absent gives len", S("abc"), 'z', 3 },
		{ "first of several", S("a;b;c"), ';', 1 },
		{ "NUL inside data", S("ab\0c"), '\0', 2 },
		{ "8-bit byte", S("a\xff"), 0xff, 1 },
		{ "no NUL past the end", S("abc"), '\0', 3 },
		{ "empty span", S(""), 'a', 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case: %s\n", cases[i].name);
		assert_int_equal(
		    span_find(cases[i].in, cases[i].c), cases[i].want);
	}
}

struct u64_case {
	const char *name;
	struct span in;
	size_t max_digits;
	bool ok;
	uint64_t want;
	size_t rest_len; /* bytes left after a successful read */
};

static void
test_span_get_u64_decimal_cases(void **state)
{
	(void)state;
	/* "\000" is an octal escape for NUL: "42\0009" is 4, 2, NUL, 9. */
	const struct u64_case cases[] = {
		{ "single digit", S("7"), 20, true, 7, 0 },
		{ "stops at non-digit", S("123;x"), 20, true, 123, 2 },
		{ "stops at NUL", S("42\0009"), 20, true, 42, 2 },
		{ "leading zeros accepted", S("000123"), 20, true, 123, 0 },
		{ "only zeros", S("0000"), 20, true, 0, 0 },
		{ "exactly max_digits", S("123456789012"), 12, true,
		    123456789012u, 0 },
		{ "UINT64_MAX", S("18446744073709551615"), 20, true, UINT64_MAX,
		    0 },
		{ "UINT64_MAX with leading zeros", S("0018446744073709551615"),
		    76, true, UINT64_MAX, 0 },
		{ "UINT64_MAX / 10 * 10 + 5", S("18446744073709551610"), 20,
		    true, 18446744073709551610u, 0 },
		/* Rejections. */
		{ "empty", S(""), 20, false, 0, 0 },
		{ "non-digit first", S("x1"), 20, false, 0, 0 },
		{ "sign rejected", S("+1"), 20, false, 0, 0 },
		{ "minus rejected", S("-1"), 20, false, 0, 0 },
		{ "leading space rejected", S(" 1"), 20, false, 0, 0 },
		{ "NUL first", S("\0001"), 20, false, 0, 0 },
		{ "max_digits exceeded", S("1234567890123"), 12, false, 0, 0 },
		{ "max_digits exceeded by zeros", S("0001"), 3, false, 0, 0 },
		{ "max_digits zero", S("1"), 0, false, 0, 0 },
		{ "UINT64_MAX + 1 overflows", S("18446744073709551616"), 76,
		    false, 0, 0 },
		{ "UINT64_MAX + 10 overflows", S("18446744073709551625"), 76,
		    false, 0, 0 },
		{ "21 digits overflow", S("100000000000000000000"), 76, false,
		    0, 0 },
		{ "76 nines overflow",
		    S("99999999999999999999999999999999999999"
		      "99999999999999999999999999999999999999"),
		    76, false, 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct u64_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		struct span s = tc->in;
		uint64_t v = 0xdeadbeef;
		bool ok = span_get_u64_decimal(&s, &v, tc->max_digits);
		assert_int_equal(ok, tc->ok);
		if (ok) {
			assert_true(v == tc->want);
			assert_int_equal(s.len, tc->rest_len);
			assert_ptr_equal(
			    s.p, tc->in.p + (tc->in.len - tc->rest_len));
		} else {
			/* Failure leaves the cursor and output alone. */
			assert_ptr_equal(s.p, tc->in.p);
			assert_int_equal(s.len, tc->in.len);
			assert_true(v == 0xdeadbeef);
		}
	}
}

static void
test_span_parse_u64_cases(void **state)
{
	(void)state;
	const struct u64_case cases[] = {
		{ "whole number", S("1234"), 12, true, 1234, 0 },
		{ "leading zeros", S("0042"), 12, true, 42, 0 },
		{ "UINT64_MAX", S("18446744073709551615"), 20, true, UINT64_MAX,
		    0 },
		{ "trailing letter rejected", S("12a"), 12, false, 0, 0 },
		{ "trailing space rejected", S("12 "), 12, false, 0, 0 },
		{ "trailing NUL rejected", S("12\0"), 12, false, 0, 0 },
		{ "embedded NUL rejected", S("1\0002"), 12, false, 0, 0 },
		{ "leading space rejected", S(" 12"), 12, false, 0, 0 },
		{ "empty rejected", S(""), 12, false, 0, 0 },
		{ "too many digits", S("1234567890123"), 12, false, 0, 0 },
		{ "overflow", S("18446744073709551616"), 76, false, 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct u64_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		uint64_t v = 0xdeadbeef;
		bool ok = span_parse_u64(tc->in, &v, tc->max_digits);
		assert_int_equal(ok, tc->ok);
		assert_true(v == (ok ? tc->want : 0xdeadbeef));
	}
}

struct eq_case {
	const char *name;
	struct span a;
	struct span b;
	bool eq;
	bool eq_icase;
};

static void
test_span_eq_cases(void **state)
{
	(void)state;
	const struct eq_case cases[] = {
		{ "same bytes", S("From"), S("From"), true, true },
		{ "case differs", S("From"), S("fROM"), false, true },
		{ "both empty", S(""), S(""), true, true },
		{ "empty vs NULL span", S(""), { NULL, 0 }, true, true },
		{ "prefix is not equal", S("From"), S("Fro"), false, false },
		{ "longer is not equal", S("From"), S("From:"), false, false },
		{ "NUL differs from letter", S("a\0"), S("ab"), false, false },
		{ "NUL equal NUL", S("a\0b"), S("A\0B"), false, true },
		/* Only ASCII letters fold. */
		{ "8-bit bytes do not fold", S("\xc4"), S("\xe4"), false,
		    false },
		{ "8-bit bytes match exactly", S("\xc4x"), S("\xc4X"), false,
		    true },
		{ "@ is not `", S("@"), S("`"), false, false },
		{ "[ is not {", S("["), S("{"), false, false },
		{ "case folding is not +32 on digits", S("\x10"), S("0"), false,
		    false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct eq_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		assert_int_equal(span_eq(tc->a, tc->b), tc->eq);
		assert_int_equal(span_eq(tc->b, tc->a), tc->eq);
		assert_int_equal(span_eq_icase(tc->a, tc->b), tc->eq_icase);
		assert_int_equal(span_eq_icase(tc->b, tc->a), tc->eq_icase);
	}
}

struct eq_lit_case {
	const char *name;
	struct span a;
	const char *lit;
	bool want;
};

static void
test_span_eq_icase_lit_cases(void **state)
{
	(void)state;
	const struct eq_lit_case cases[] = {
		{ "exact", S("dkim-signature"), "dkim-signature", true },
		{ "folded", S("DKIM-Signature"), "dkim-signature", true },
		{ "empty both", S(""), "", true },
		{ "empty data non-empty literal", S(""), "a", false },
		{ "data longer than literal", S("froms"), "from", false },
		{ "data shorter than literal", S("fro"), "from", false },
		/* The literal's NUL ends the literal; a NUL in the data is
		 * data and must not be taken for that end. */
		{ "NUL after matching prefix", S("from\0"), "from", false },
		{ "NUL inside data", S("fr\0m"), "from", false },
		{ "NUL only", S("\0"), "", false },
		{ "8-bit does not fold", S("\xc1"), "\xe1", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct eq_lit_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		assert_int_equal(span_eq_icase_lit(tc->a, tc->lit), tc->want);
	}
}

struct suffix_case {
	const char *name;
	struct span s;
	struct span suffix;
	bool want;
};

static void
test_span_has_suffix_icase_cases(void **state)
{
	(void)state;
	const struct suffix_case cases[] = {
		{ "exact suffix", S("mail.example.com"), S("example.com"),
		    true },
		{ "folded suffix", S("MAIL.Example.COM"), S("example.com"),
		    true },
		{ "whole string", S("example.com"), S("EXAMPLE.COM"), true },
		{ "empty suffix", S("x"), S(""), true },
		{ "empty both", S(""), S(""), true },
		{ "suffix longer", S("com"), S(".com"), false },
		{ "not at the end", S("example.com.evil"), S("example.com"),
		    false },
		{ "NUL in data", S("example.co\0m"), S("example.com"), false },
		{ "NUL in both", S("x.a\0b"), S("A\0B"), true },
		{ "empty data", S(""), S("a"), false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct suffix_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		assert_int_equal(
		    span_has_suffix_icase(tc->s, tc->suffix), tc->want);
	}
}

struct trim_case {
	const char *name;
	struct span in;
	struct span want;
	size_t want_off; /* where the result starts in |in| */
};

static void
test_span_trim_fws_cases(void **state)
{
	(void)state;
	const struct trim_case cases[] = {
		{ "nothing to trim", S("abc"), S("abc"), 0 },
		{ "leading and trailing SP", S("  abc  "), S("abc"), 2 },
		{ "all FWS kinds", S("\r\n\t abc \t\r\n"), S("abc"), 4 },
		{ "inner FWS kept", S(" a \r\n b "), S("a \r\n b"), 1 },
		{ "only FWS", S(" \t\r\n"), S(""), 4 },
		{ "empty", S(""), S(""), 0 },
		{ "NUL is not FWS", S(" \0 "), S("\0"), 1 },
		{ "vertical tab is not FWS", S("\v a\f"), S("\v a\f"), 0 },
		{ "NBSP is not FWS", S("\xa0x\xa0"), S("\xa0x\xa0"), 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct trim_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		struct span got = span_trim_fws(tc->in);
		assert_span_equal(got, tc->want.p, tc->want.len);
		if (tc->in.len > 0) {
			assert_ptr_equal(got.p, tc->in.p + tc->want_off);
		}
	}
}

static void
test_span_skip_wsp_stops_at_line_break(void **state)
{
	(void)state;
	struct span s = S(" \t\r\n x");
	span_skip_wsp(&s);
	assert_span_equal(s, "\r\n x", 4);
	span_skip_fws(&s);
	assert_span_equal(s, "x", 1);
	span_skip_fws(&s);
	span_skip_wsp(&s);
	assert_span_equal(s, "x", 1);

	struct span all = S(" \t \t");
	span_skip_wsp(&all);
	assert_int_equal(all.len, 0);
	/* Skipping on an empty span is a no-op. */
	span_skip_wsp(&all);
	span_skip_fws(&all);
	assert_int_equal(all.len, 0);

	struct span nul = S("\0 ");
	span_skip_fws(&nul);
	assert_int_equal(nul.len, 2);
}

static void
test_span_char_classes(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		uint8_t b = (uint8_t)c;
		assert_int_equal(span_is_wsp(b), c == ' ' || c == '\t');
		assert_int_equal(span_is_fws(b),
		    c == ' ' || c == '\t' || c == '\r' || c == '\n');
		assert_int_equal(span_is_digit(b), c >= '0' && c <= '9');
		assert_int_equal(span_is_alpha(b),
		    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
		uint8_t want = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : b;
		assert_int_equal(span_tolower(b), want);
	}
}

/* span_buf: a write that does not fit sets the sticky flag and writes
 * nothing; every later write is dropped, even one that would fit. */
static void
test_span_buf_overflow_is_sticky(void **state)
{
	(void)state;
	uint8_t mem[8];
	memset(mem, 'z', sizeof(mem));
	struct span_buf b;
	span_buf_init(&b, mem, 6);
	assert_int_equal(b.len, 0);
	assert_false(b.overflow);

	span_buf_put(&b, "abc", 3);
	span_buf_put(&b, "", 0);
	assert_int_equal(b.len, 3);
	/* Exactly filling the buffer is not an overflow. */
	span_buf_put(&b, "d\0f", 3);
	assert_false(b.overflow);
	assert_int_equal(b.len, 6);
	assert_span_equal(span_make(mem, b.len), "abcd\0f", 6);

	/* One byte too many. */
	span_buf_put(&b, "g", 1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 6);
	/* Bytes past the capacity are never touched. */
	assert_int_equal(mem[6], 'z');
	assert_int_equal(mem[7], 'z');

	/* Sticky: even an empty write keeps the flag. */
	span_buf_put(&b, "", 0);
	assert_true(b.overflow);

	/* A partial write is all or nothing. */
	span_buf_init(&b, mem, 4);
	span_buf_put(&b, "ab", 2);
	span_buf_put(&b, "cde", 3);
	assert_true(b.overflow);
	assert_int_equal(b.len, 2);
	/* After the overflow, a write that would fit is dropped. */
	span_buf_put(&b, "c", 1);
	assert_int_equal(b.len, 2);
	assert_span_equal(span_make(mem, b.len), "ab", 2);

	/* A zero-capacity buffer overflows on the first byte. */
	span_buf_init(&b, NULL, 0);
	span_buf_put(&b, "", 0);
	assert_false(b.overflow);
	span_buf_put(&b, "x", 1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 0);

	/* A huge length does not wrap the capacity check. */
	span_buf_init(&b, mem, sizeof(mem));
	span_buf_put(&b, "a", 1);
	span_buf_put(&b, "a", SIZE_MAX);
	assert_true(b.overflow);
	assert_int_equal(b.len, 1);
}

static void
test_span_buf_sink_appends(void **state)
{
	(void)state;
	uint8_t mem[5];
	struct span_buf b;
	span_buf_init(&b, mem, sizeof(mem));
	struct byte_sink sink = span_buf_sink(&b);
	byte_sink_write(&sink, "ab", 2);
	byte_sink_write(&sink, "", 0);
	byte_sink_write(&sink, "\0c", 2);
	assert_false(b.overflow);
	assert_span_equal(span_make(mem, b.len), "ab\0c", 4);
	byte_sink_write(&sink, "de", 2);
	assert_true(b.overflow);
	assert_int_equal(b.len, 4);
}

/* span.h allows an empty span with a NULL pointer (span_empty() makes
 * one), so every helper must accept it without pointer arithmetic on NULL,
 * which C leaves undefined and clang's UBSan reports ("applying zero offset
 * to null pointer").  Kept last: under clang UBSan a failure aborts. */
static void
test_span_null_empty_span_zero_length_ops(void **state)
{
	(void)state;
	struct span e = span_empty();
	struct span out = S("untouched");
	assert_true(span_skip(&e, 0));
	assert_int_equal(e.len, 0);
	assert_true(span_get_bytes(&e, &out, 0));
	assert_int_equal(out.len, 0);
	assert_true(span_has_suffix_icase(span_empty(), span_empty()));
	assert_true(span_has_suffix_icase(S("abc"), span_empty()));
	struct span t = span_trim_fws(span_empty());
	assert_int_equal(t.len, 0);
	assert_true(span_eq_icase_lit(span_empty(), ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span_cursor_past_end_fails_unchanged),
		cmocka_unit_test(test_span_cursor_advances_on_success),
		cmocka_unit_test(test_span_find_cases),
		cmocka_unit_test(test_span_get_u64_decimal_cases),
		cmocka_unit_test(test_span_parse_u64_cases),
		cmocka_unit_test(test_span_eq_cases),
		cmocka_unit_test(test_span_eq_icase_lit_cases),
		cmocka_unit_test(test_span_has_suffix_icase_cases),
		cmocka_unit_test(test_span_trim_fws_cases),
		cmocka_unit_test(test_span_skip_wsp_stops_at_line_break),
		cmocka_unit_test(test_span_char_classes),
		cmocka_unit_test(test_span_buf_overflow_is_sticky),
		cmocka_unit_test(test_span_buf_sink_appends),
		cmocka_unit_test(test_span_null_empty_span_zero_length_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
