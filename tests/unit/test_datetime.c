/*
 * test_datetime.c - RFC 5322 date-time parsing (§3.3, obsolete forms §4.3)
 * and the arrival time taken from Received fields (RFC 5321 §4.4).
 *
 * Expected epoch values were computed with `date -u -d '...' +%s` (GNU
 * coreutils) and, for offsets date(1) refuses, with Python's
 * calendar.timegm plus the offset by hand.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "canon/arena.h"
#include "canon/datetime.h"
#include "canon/limits.h"
#include "canon/msg.h"

struct dt_case {
	const char *name;
	const char *in;
	size_t in_len;
	bool ok;
	int64_t want;
};

#define OK(name, in, want)                                                     \
	{                                                                      \
		name, in, sizeof(in) - 1, true, INT64_C(want)                  \
	}
#define BAD(name, in)                                                          \
	{                                                                      \
		name, in, sizeof(in) - 1, false, 0                             \
	}

/* 2003-07-11 21:00:37 -0700, the running example. */
#define T0 1057982437

static const struct dt_case cases[] = {
	/* The §3.3 form and its common variants. */
	OK("canonical", "Fri, 11 Jul 2003 21:00:37 -0700", T0),
	OK("zone comment", "Fri, 11 Jul 2003 21:00:37 -0700 (PDT)", T0),
	OK("zone comment no space", "Fri, 11 Jul 2003 21:00:37 -0700(PDT)", T0),
	OK("no day of week", "11 Jul 2003 21:00:37 -0700", T0),
	OK("no seconds", "Fri, 11 Jul 2003 21:00 -0700", 1057982400),
	OK("no space after comma", "Fri,11 Jul 2003 21:00:37 -0700", T0),
	OK("space before comma", "Fri , 11 Jul 2003 21:00:37 -0700", T0),
	OK("leading zero day", "Fri, 01 Jan 2038 00:00:00 +0000", 2145916800),
	OK("lowercase names", "fri, 11 jul 2003 21:00:37 pdt", T0),
	OK("uppercase names", "FRI, 11 JUL 2003 21:00:37 PDT", T0),
	OK("day of week need not match", "Mon, 11 Jul 2003 21:00:37 -0700", T0),
	OK("after 2038", "19 Jan 2038 03:14:08 +0000", 2147483648),
	/* Obsolete years (§4.3). */
	OK("two-digit year below 50", "11 Jul 03 21:00:37 -0700", T0),
	OK("two-digit year 49", "1 Jan 49 00:00:00 +0000", 2493072000),
	OK("two-digit year 99", "1 Jan 99 00:00:00 +0000", 915148800),
	OK("two-digit year 70 is the epoch", "1 Jan 70 00:00:00 +0000", 0),
	BAD("two-digit year 50 is 1950", "1 Jan 50 00:00:00 +0000"),
	OK("three-digit year", "11 Jul 103 21:00:37 -0700", T0),
	OK("three-digit year 070", "1 Jan 070 00:00:00 +0000", 0),
	BAD("one-digit year", "1 Jan 3 00:00:00 +0000"),
	BAD("five-digit year", "1 Jan 02003 00:00:00 +0000"),
	/* Zones. */
	OK("GMT", "Sun, 06 Nov 1994 08:49:37 GMT", 784111777),
	OK("UT", "Sun, 06 Nov 1994 08:49:37 UT", 784111777),
	OK("EST", "Sun, 06 Nov 1994 08:49:37 EST", 784129777),
	OK("EDT", "Sun, 06 Nov 1994 08:49:37 EDT", 784126177),
	OK("CST", "Sun, 06 Nov 1994 08:49:37 CST", 784133377),
	OK("CDT", "Sun, 06 Nov 1994 08:49:37 CDT", 784129777),
	OK("MST", "Sun, 06 Nov 1994 08:49:37 MST", 784136977),
	OK("MDT", "Sun, 06 Nov 1994 08:49:37 MDT", 784133377),
	OK("PST", "Sun, 06 Nov 1994 08:49:37 PST", 784140577),
	OK("PDT", "Sun, 06 Nov 1994 08:49:37 PDT", 784136977),
	OK("military Z", "Sun, 06 Nov 1994 08:49:37 Z", 784111777),
	OK("military A is +0000", "Sun, 06 Nov 1994 08:49:37 A", 784111777),
	OK("military lowercase y", "Sun, 06 Nov 1994 08:49:37 y", 784111777),
	BAD("military J is no zone", "Sun, 06 Nov 1994 08:49:37 J"),
	OK("minus zero", "Fri, 11 Jul 2003 21:00:37 -0000", 1057957237),
	OK("plus zero", "Fri, 11 Jul 2003 21:00:37 +0000", 1057957237),
	OK("plus 1400", "Mon, 1 Jan 2024 00:00:00 +1400", 1704016800),
	OK("minus 9959", "Mon, 1 Jan 2024 00:00:00 -9959", 1704427140),
	OK("plus 9959", "Fri, 11 Jul 2003 21:00:37 +9959", 1057597297),
	BAD("zone two digits", "Fri, 11 Jul 2003 21:00:37 +12"),
	BAD("zone three digits", "Fri, 11 Jul 2003 21:00:37 -070"),
	BAD("zone five digits", "Fri, 11 Jul 2003 21:00:37 -07000"),
	BAD("zone minutes 60", "Fri, 11 Jul 2003 21:00:37 +1260"),
	BAD("zone PST8", "Fri, 11 Jul 2003 21:00:37 PST8"),
	BAD("zone UTC not in RFC 5322", "Fri, 11 Jul 2003 21:00:37 UTC"),
	BAD("zone CET", "Fri, 11 Jul 2003 21:00:37 CET"),
	BAD("zone sign only", "Fri, 11 Jul 2003 21:00:37 +"),
	BAD("zone sign then space", "Fri, 11 Jul 2003 21:00:37 + 0700"),
	BAD("missing zone", "Fri, 11 Jul 2003 21:00:37"),
	BAD("missing zone with comment", "Fri, 11 Jul 2003 21:00:37 (PDT)"),
	/* White space, folding and comments (§3.2.2, §4.2). */
	OK("leading and trailing space", "  Fri, 11 Jul 2003 21:00:37 -0700  ",
	    T0),
	OK("tabs and runs", "\tFri,\t11  Jul\t\t2003   21:00:37\t-0700", T0),
	OK("CRLF tab fold", "Fri, 11 Jul 2003\r\n\t21:00:37 -0700", T0),
	OK("bare LF space fold", "Fri,\n 11 Jul 2003 21:00:37\n -0700", T0),
	OK("fold before everything", "\r\n Fri, 11 Jul 2003 21:00:37 -0700",
	    T0),
	OK("repeated folds", "Fri, 11 Jul 2003 \r\n \r\n\t21:00:37 -0700", T0),
	OK("comment instead of space",
	    "Fri, 11(x)Jul(y)2003(z)21:00:37(w)-0700", T0),
	OK("nested comments",
	    "(a (b (c) d) e) Fri, 11 Jul 2003 21:00:37 -0700 (PDT (x (y)))",
	    T0),
	OK("quoted pair in comment", "Fri, 11 Jul 2003 21:00:37 -0700 (a\\)b)",
	    T0),
	OK("quoted paren opens nothing",
	    "Fri, 11 Jul 2003 21:00:37 -0700 (\\(\\()", T0),
	OK("folded comment", "Fri, 11 Jul 2003 21:00:37 -0700 (P\r\n DT)", T0),
	OK("CFWS around colons", "Fri, 11 Jul 2003 21 : 00 :\t37 -0700", T0),
	OK("comment around colon", "Fri, 11 Jul 2003 21(h):(m)00 -0700",
	    1057982400),
	OK("comment before day", "Fri, (x) 11 Jul 2003 21:00:37 -0700", T0),
	BAD("unterminated comment", "Fri, 11 Jul 2003 21:00:37 -0700 (PDT"),
	BAD("unbalanced close", "Fri, 11 Jul 2003 21:00:37 -0700 PDT)"),
	BAD("nested unterminated", "Fri, 11 Jul 2003 21:00:37 -0700 ((x)"),
	BAD("quoted pair at end", "Fri, 11 Jul 2003 21:00:37 -0700 (\\"),
	BAD("bare CR", "Fri, 11 Jul 2003\r21:00:37 -0700"),
	BAD("CR CR LF", "Fri, 11 Jul 2003\r\r\n 21:00:37 -0700"),
	BAD("line break without WSP", "Fri, 11 Jul 2003\r\n21:00:37 -0700"),
	BAD("LF without WSP", "Fri, 11 Jul 2003\n21:00:37 -0700"),
	BAD("trailing CRLF", "Fri, 11 Jul 2003 21:00:37 -0700\r\n"),
	BAD("glued day and month", "Fri, 11Jul 2003 21:00:37 -0700"),
	BAD("glued year and time", "Fri, 11 Jul 200321:00:37 -0700"),
	BAD("glued time and zone", "Fri, 11 Jul 2003 21:00:37-0700"),
	/* Ranges (§3.3). */
	OK("leap day 2024", "Thu, 29 Feb 2024 12:00:00 +0000", 1709208000),
	OK("leap day 2000", "29 Feb 2000 00:00:00 +0000", 951782400),
	BAD("no leap day 2023", "29 Feb 2023 12:00:00 +0000"),
	BAD("no leap day 2100", "29 Feb 2100 12:00:00 +0000"),
	BAD("31 April", "31 Apr 2024 12:00:00 +0000"),
	BAD("30 February", "30 Feb 2024 12:00:00 +0000"),
	BAD("day 0", "0 Jan 2024 12:00:00 +0000"),
	BAD("day 32", "32 Jan 2024 12:00:00 +0000"),
	BAD("three-digit day", "011 Jan 2024 12:00:00 +0000"),
	BAD("hour 24", "1 Jan 2024 24:00:00 +0000"),
	BAD("minute 60", "1 Jan 2024 23:60:00 +0000"),
	BAD("second 61", "1 Jan 2024 23:59:61 +0000"),
	OK("leap second counts as next minute", "31 Dec 2016 23:59:60 +0000",
	    1483228800),
	OK("last second of 2016", "31 Dec 2016 23:59:59 +0000", 1483228799),
	BAD("one-digit hour", "1 Jan 2024 9:00:00 +0000"),
	BAD("one-digit minute", "1 Jan 2024 09:0:00 +0000"),
	BAD("one-digit second", "1 Jan 2024 09:00:0 +0000"),
	BAD("three-digit minute", "1 Jan 2024 09:000 +0000"),
	BAD("colon without seconds", "1 Jan 2024 09:00: +0000"),
	BAD("bad month", "11 Jyl 2003 21:00:37 -0700"),
	BAD("full month name", "11 July 2003 21:00:37 -0700"),
	BAD("numeric month", "11 07 2003 21:00:37 -0700"),
	BAD("bad day of week", "Fry, 11 Jul 2003 21:00:37 -0700"),
	BAD("full day name", "Friday, 11 Jul 2003 21:00:37 -0700"),
	BAD("day of week without comma", "Fri 11 Jul 2003 21:00:37 -0700"),
	BAD("comma without day of week", ", 11 Jul 2003 21:00:37 -0700"),
	/* Before 1970 and after 9999. */
	BAD("1969", "31 Dec 1969 23:59:59 +0000"),
	OK("epoch", "Thu, 1 Jan 1970 00:00:00 +0000", 0),
	OK("epoch by zone", "1 Jan 1970 00:00:00 -0100", 3600),
	BAD("before the epoch by zone", "1 Jan 1970 00:30:00 +0100"),
	OK("last second of 9999", "31 Dec 9999 23:59:59 +0000", 253402300799),
	BAD("year 10000 by zone", "31 Dec 9999 23:59:59 -0001"),
	BAD("year 10000", "1 Jan 10000 00:00:00 +0000"),
	/* Trailing garbage and bad bytes. */
	BAD("trailing word", "Fri, 11 Jul 2003 21:00:37 -0700 x"),
	BAD("trailing semicolon", "Fri, 11 Jul 2003 21:00:37 -0700;"),
	BAD("second date", "Fri, 11 Jul 2003 21:00:37 -0700 -0700"),
	BAD("embedded NUL", "Fri, 11 Jul 2003\0 21:00:37 -0700"),
	BAD("NUL in comment", "Fri, 11 Jul 2003 21:00:37 -0700 (\0)"),
	BAD("trailing NUL", "Fri, 11 Jul 2003 21:00:37 -0700\0"),
	BAD("8-bit byte in comment",
	    "Fri, 11 Jul 2003 21:00:37 -0700 (\xc3\xa9)"),
	BAD("DEL", "Fri, 11 Jul 2003 21:00:37 -0700 (\x7f)"),
	BAD("vertical tab", "Fri, 11 Jul 2003\v21:00:37 -0700"),
	BAD("form feed", "Fri, 11 Jul 2003 21:00:37 -0700\f"),
	/* Nothing there. */
	BAD("empty", ""),
	BAD("only space", "   "),
	BAD("only comment", "(Fri, 11 Jul 2003 21:00:37 -0700)"),
	BAD("day of week only", "Fri,"),
	BAD("truncated", "Fri, 11 Jul 2003 21:"),
};

/* Every case runs even after a failure, so that one run lists them all. */
static void
test_parse_cases(void **state)
{
	(void)state;
	size_t num_failed = 0;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct dt_case *tc = &cases[i];
		int64_t got = -12345;
		bool ok = datetime_parse(span_make(tc->in, tc->in_len), &got);
		/* Failure must leave the output untouched. */
		if (ok != tc->ok || (ok && got != tc->want) ||
		    (!ok && got != -12345)) {
			print_error("case \"%s\": ok %d (want %d), got %lld "
			            "(want %lld)\n",
			    tc->name, ok, tc->ok, (long long)got,
			    (long long)tc->want);
			num_failed++;
		}
	}
	assert_int_equal(num_failed, 0);
}

/* The parser reads only the bytes it is given: a valid date followed by
 * garbage outside the span still parses, and the same date cut short does
 * not. */
static void
test_parse_respects_length(void **state)
{
	(void)state;
	static const char text[] = "11 Jul 2003 21:00:37 -0700 garbage";
	int64_t t;
	assert_true(datetime_parse(span_make(text, 26), &t));
	assert_int_equal(t, T0);
	assert_false(datetime_parse(span_make(text, 25), &t));
	assert_false(datetime_parse(span_make(text, sizeof(text) - 1), &t));
}

/* pad_date writes a date of exactly |len| bytes: the canonical date and a
 * comment filled to length. */
static void
pad_date(char *buf, size_t len)
{
	static const char date[] = "Fri, 11 Jul 2003 21:00:37 -0700 (";
	size_t n = sizeof(date) - 1;
	assert_true(len > n + 1);
	memcpy(buf, date, n);
	memset(buf + n, 'x', len - n - 1);
	buf[len - 1] = ')';
}

static void
test_parse_length_limit(void **state)
{
	(void)state;
	char buf[DATE_MAX_LEN + 1];
	int64_t t;
	pad_date(buf, DATE_MAX_LEN);
	assert_true(datetime_parse(span_make(buf, DATE_MAX_LEN), &t));
	assert_int_equal(t, T0);
	pad_date(buf, DATE_MAX_LEN + 1);
	assert_false(datetime_parse(span_make(buf, DATE_MAX_LEN + 1), &t));
}

/* Deep nesting is bounded by the length limit and needs no recursion. */
static void
test_parse_deep_comment(void **state)
{
	(void)state;
	static const char date[] = "1 Jan 2000 00:00:00 +0000 ";
	char buf[DATE_MAX_LEN];
	size_t n = sizeof(date) - 1;
	size_t depth = (DATE_MAX_LEN - n) / 2;
	memcpy(buf, date, n);
	memset(buf + n, '(', depth);
	memset(buf + n + depth, ')', depth);
	int64_t t;
	assert_true(datetime_parse(span_make(buf, n + 2 * depth), &t));
	assert_int_equal(t, 946684800);
	assert_false(datetime_parse(span_make(buf, n + 2 * depth - 1), &t));
}

/* Every day from 1970 to 2400 parses to the previous day plus 86400: the
 * calendar arithmetic has no gaps or overlaps at month, year and century
 * boundaries. */
static void
test_parse_every_day(void **state)
{
	(void)state;
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t prev = -86400;
	size_t num_days = 0;
	for (unsigned y = 1970; y <= 2400; y++) {
		for (unsigned m = 0; m < 12; m++) {
			for (unsigned d = 1; d <= 31; d++) {
				char buf[64];
				int n = snprintf(buf, sizeof(buf),
				    "%u %s %u 00:00:00 +0000", d, months[m], y);
				int64_t t;
				if (!datetime_parse(
				        span_make(buf, (size_t)n), &t)) {
					continue;
				}
				assert_int_equal(t, prev + 86400);
				prev = t;
				num_days++;
			}
		}
	}
	/* 431 years of 365 days plus the leap days: 105 in 1970..2400. */
	assert_int_equal(num_days, 431 * 365 + 105);
}

/* build_msg parses |text| into |*m| using |a|. */
static void
build_msg(struct msg *m, struct arena *a, const char *text, size_t len)
{
	assert_int_equal(msg_parse(m, a, (const uint8_t *)text, len), MSG_OK);
}

#define BUILD(m, a, lit) build_msg((m), (a), (lit), sizeof(lit) - 1)

static void
test_received_newest(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	BUILD(&m, &a,
	    "Received: from b by c; Fri, 11 Jul 2003 21:00:37 -0700\r\n"
	    "Received: from a by b; Fri, 11 Jul 2003 21:05:00 -0700\r\n"
	    "Subject: Fri, 11 Jul 2003 23:00:00 -0700\r\n"
	    "Received: from x by a; Fri, 11 Jul 2003 20:59:00 -0700\r\n"
	    "\r\nbody; Fri, 11 Jul 2004 20:59:00 -0700\r\n");
	int64_t t = 0;
	assert_true(datetime_received(&m, &t));
	assert_int_equal(t, 1057982700); /* 21:05:00 -0700 */
	arena_cleanup(&a);
}

static void
test_received_skips_unusable(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	BUILD(&m, &a,
	    "Received: from a by b with SMTP id 1 Sun, 20 Jul 2003 00:00:00 "
	    "+0000\r\n"
	    "Received: from c by d; Sun, 13 Jul 2003 00:00:00 +0000 junk\r\n"
	    "Received: from e by f; 32 Jul 2003 00:00:00 +0000\r\n"
	    "X-Received: from e by f; Mon, 14 Jul 2003 00:00:00 +0000\r\n"
	    "received: from g (h; i) by j; Fri, 11 Jul 2003 21:00:37 -0700\r\n"
	    "\r\n");
	int64_t t = 0;
	assert_true(datetime_received(&m, &t));
	assert_int_equal(t, T0);
	arena_cleanup(&a);
}

static void
test_received_none(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	int64_t t = -1;
	BUILD(&m, &a,
	    "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
	    "Subject: x; Fri, 11 Jul 2003 21:00:37 -0700\r\n\r\nbody\r\n");
	assert_false(datetime_received(&m, &t));
	assert_int_equal(t, -1);
	BUILD(&m, &a, "Received: from a by b\r\n\r\n");
	assert_false(datetime_received(&m, &t));
	BUILD(&m, &a, "Received: from a by b; yesterday\r\n\r\n");
	assert_false(datetime_received(&m, &t));
	BUILD(&m, &a, "");
	assert_false(datetime_received(&m, &t));
	assert_int_equal(t, -1);
	arena_cleanup(&a);
}

/* LF-only storage with the date folded onto its own line, as most MTAs
 * write Received fields. */
static void
test_received_folded_lf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	BUILD(&m, &a,
	    "Received: from mail.example.org (mail.example.org [192.0.2.1])\n"
	    "\tby mx.example.com (Postfix) with ESMTPS id 4F2\n"
	    "\tfor <u@example.com>;\n"
	    "\tFri, 11 Jul 2003 21:00:37 -0700 (PDT)\n"
	    "Received: by mail.example.org; Fri, 11 Jul 2003\n"
	    " 20:00:00 -0700\n"
	    "\n"
	    "body\n");
	int64_t t = 0;
	assert_true(datetime_received(&m, &t));
	assert_int_equal(t, T0);
	/* The older field alone, folded inside the date. */
	BUILD(&m, &a,
	    "Received: by mail.example.org; Fri, 11 Jul 2003\n"
	    " 20:00:00 -0700\n"
	    "\n");
	assert_true(datetime_received(&m, &t));
	assert_int_equal(t, 1057978800);
	arena_cleanup(&a);
}

/* CRLF storage, folded, and a Received field whose date is a military
 * zone. */
static void
test_received_folded_crlf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct msg m;
	BUILD(&m, &a,
	    "Received: from a\r\n by b;\r\n Fri, 11 Jul 2003\r\n\t21:00:37\r\n"
	    "\t-0700\r\n"
	    "Received: from c by d; 11 Jul 2003 03:00:00 Z\r\n"
	    "\r\n");
	int64_t t = 0;
	assert_true(datetime_received(&m, &t));
	assert_int_equal(t, T0);
	arena_cleanup(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_parse_respects_length),
		cmocka_unit_test(test_parse_length_limit),
		cmocka_unit_test(test_parse_deep_comment),
		cmocka_unit_test(test_parse_every_day),
		cmocka_unit_test(test_received_newest),
		cmocka_unit_test(test_received_skips_unusable),
		cmocka_unit_test(test_received_none),
		cmocka_unit_test(test_received_folded_lf),
		cmocka_unit_test(test_received_folded_crlf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
