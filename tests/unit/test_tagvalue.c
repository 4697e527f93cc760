/*
 * test_tagvalue.c - RFC 6376 §3.2 tag=value lists (canon/tagvalue.h).
 *
 * The table gives each input with the expected status and, for accepted
 * lists, every tag's name and value.  Every grammar rule has at least one
 * rejecting case, and NUL and other control bytes are tried in names,
 * values and separators.
 */
#include "tests/harness.h"

#include <stdio.h>

#include "canon/tagvalue.h"

enum { MAX_WANT = 5 };

/* TV_ANY_ERROR in a case means "rejected, whatever the reason": used where
 * the reason code is not part of the contract. */
#define TV_ANY_ERROR ((enum tv_status) - 1)

struct want_tag {
	struct span name;
	struct span value;
};

struct tv_case {
	const char *name;
	struct span in;
	enum tv_status want;
	size_t num_tags;
	struct want_tag tags[MAX_WANT];
};

/* NO_TAGS is the tag array of a case that expects none. */
#define NO_TAGS                                                                \
	{                                                                      \
		{                                                              \
			{ NULL, 0 },                                           \
			{                                                      \
				NULL, 0                                        \
			}                                                      \
		}                                                              \
	}

#define T(n, v)                                                                \
	{                                                                      \
		S(n), S(v)                                                     \
	}

static void
run_tv_cases(const struct tv_case *cases, size_t num_cases)
{
	for (size_t i = 0; i < num_cases; i++) {
		const struct tv_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		struct tv_list l;
		enum tv_status st = tv_parse(&l, tc->in);
		if (tc->want == TV_ANY_ERROR) {
			assert_int_not_equal(st, TV_OK);
			continue;
		}
		assert_string_equal(tv_status_str(st), tv_status_str(tc->want));
		if (st != TV_OK) {
			continue;
		}
		assert_int_equal(l.num_tags, tc->num_tags);
		for (size_t k = 0; k < tc->num_tags; k++) {
			const struct tv_tag *t = &l.tags[k];
			assert_span_equal(
			    t->name, tc->tags[k].name.p, tc->tags[k].name.len);
			assert_span_equal(t->value, tc->tags[k].value.p,
			    tc->tags[k].value.len);
			/* Every span lies inside the input. */
			assert_true(t->name.p >= tc->in.p);
			assert_true(t->region.p >= t->name.p + t->name.len);
			assert_true(t->region.p + t->region.len <=
			    tc->in.p + tc->in.len);
			assert_true(t->value.p >= t->region.p);
			assert_true(t->value.p + t->value.len <=
			    t->region.p + t->region.len);
			/* The region starts right after "=". */
			assert_int_equal(t->region.p[-1], '=');
		}
	}
}

static void
test_tv_parse_cases(void **state)
{
	(void)state;
	const struct tv_case cases[] = {
		/* Accepted lists. */
		{ "two tags", S("v=1; a=rsa-sha256"), TV_OK, 2,
		    { T("v", "1"), T("a", "rsa-sha256") } },
		{ "no spaces", S("v=1;a=b"), TV_OK, 2,
		    { T("v", "1"), T("a", "b") } },
		{ "single tag", S("p=abc"), TV_OK, 1, { T("p", "abc") } },
		{ "trailing semicolon", S("v=1; a=b;"), TV_OK, 2,
		    { T("v", "1"), T("a", "b") } },
		{ "trailing semicolon and space", S("v=1; a=b; "), TV_OK, 2,
		    { T("v", "1"), T("a", "b") } },
		{ "trailing semicolon and folded FWS", S("v=1; a=b;\r\n\t"),
		    TV_OK, 2, { T("v", "1"), T("a", "b") } },
		{ "FWS around everything", S(" v = 1 ; a\t=\tb \t"), TV_OK, 2,
		    { T("v", "1"), T("a", "b") } },
		{ "folded CRLF between tags", S("v=1;\r\n a=b;\r\n\tc=d"),
		    TV_OK, 3, { T("v", "1"), T("a", "b"), T("c", "d") } },
		{ "folded bare LF between tags", S("v=1;\n a=b;\n\tc=d"), TV_OK,
		    3, { T("v", "1"), T("a", "b"), T("c", "d") } },
		{ "folded FWS before and after =", S("a\r\n =\r\n b"), TV_OK, 1,
		    { T("a", "b") } },
		{ "folded FWS inside a value is kept", S("b=abc\r\n def; x=1"),
		    TV_OK, 2, { T("b", "abc\r\n def"), T("x", "1") } },
		{ "LF folding inside a value is kept", S("b=abc\n\tdef"), TV_OK,
		    1, { T("b", "abc\n\tdef") } },
		{ "WSP inside a value is kept", S("n=a  b\tc"), TV_OK, 1,
		    { T("n", "a  b\tc") } },
		{ "empty value", S("p="), TV_OK, 1, { T("p", "") } },
		{ "empty value then semicolon", S("p=;"), TV_OK, 1,
		    { T("p", "") } },
		{ "empty value between tags", S("k=rsa; p= ; t=y"), TV_OK, 3,
		    { T("k", "rsa"), T("p", ""), T("t", "y") } },
		{ "8-bit bytes in a value", S("n=caf\xc3\xa9; x=\xff\x80"),
		    TV_OK, 2, { T("n", "caf\xc3\xa9"), T("x", "\xff\x80") } },
		{ "name with digits and underscore", S("a1_B2=x"), TV_OK, 1,
		    { T("a1_B2", "x") } },
		{ "one-letter names", S("a=1;b=2;c=3;d=4;e=5"), TV_OK, 5,
		    { T("a", "1"), T("b", "2"), T("c", "3"), T("d", "4"),
		        T("e", "5") } },
		{ "names differing in case are not duplicates", S("a=1; A=2"),
		    TV_OK, 2, { T("a", "1"), T("A", "2") } },
		{ "prefix names are not duplicates", S("b=1; bh=2"), TV_OK, 2,
		    { T("b", "1"), T("bh", "2") } },
		{ "colon list value", S("h=from:to : subject"), TV_OK, 1,
		    { T("h", "from:to : subject") } },
		{ "equals signs in a value", S("b=abc==; x=a=b"), TV_OK, 2,
		    { T("b", "abc=="), T("x", "a=b") } },
		{ "every VALCHAR",
		    S("x=!\"#$%&'()*+,-./0123456789:<=>?@AZ[\\]^_`az{|}~"),
		    TV_OK, 1,
		    { T("x",
		        "!\"#$%&'()*+,-./0123456789:<=>?@AZ[\\]^_`az{|}~") } },
		/* Empty tag-specs. */
		{ "empty input", S(""), TV_ERR_EMPTY_SPEC, 0, NO_TAGS },
		{ "only FWS", S(" \r\n\t"), TV_ERR_EMPTY_SPEC, 0, NO_TAGS },
		{ "lone semicolon", S(";"), TV_ERR_EMPTY_SPEC, 0, NO_TAGS },
		{ "two semicolons", S(";;"), TV_ERR_EMPTY_SPEC, 0, NO_TAGS },
		{ "leading semicolon", S("; a=1"), TV_ERR_EMPTY_SPEC, 0,
		    NO_TAGS },
		{ "empty spec in the middle", S("a=1;;b=2"), TV_ERR_EMPTY_SPEC,
		    0, NO_TAGS },
		{ "FWS-only spec in the middle", S("a=1; \t ;b=2"),
		    TV_ERR_EMPTY_SPEC, 0, NO_TAGS },
		{ "two trailing semicolons", S("a=1;;"), TV_ERR_EMPTY_SPEC, 0,
		    NO_TAGS },
		/* Bad tag names. */
		{ "name starts with a digit", S("1a=x"), TV_ERR_BAD_NAME, 0,
		    NO_TAGS },
		{ "name with a hyphen", S("a-b=x"), TV_ERR_BAD_NAME, 0,
		    NO_TAGS },
		{ "name starts with underscore", S("_a=x"), TV_ERR_BAD_NAME, 0,
		    NO_TAGS },
		{ "no name", S("=x"), TV_ERR_BAD_NAME, 0, NO_TAGS },
		{ "no name after FWS", S("a=1; =x"), TV_ERR_BAD_NAME, 0,
		    NO_TAGS },
		{ "name with a space inside", S("a b=1"), TV_ERR_BAD_NAME, 0,
		    NO_TAGS },
		{ "name with a dot", S("a.b=1"), TV_ERR_BAD_NAME, 0, NO_TAGS },
		{ "8-bit name", S("\xc3\xa9=1"), TV_ERR_BAD_NAME, 0, NO_TAGS },
		{ "NUL before the name", S("\0a=1"), TV_ERR_BAD_NAME, 0,
		    NO_TAGS },
		{ "NUL starts the second spec", S("a=1;\0b=2"), TV_ERR_BAD_NAME,
		    0, NO_TAGS },
		{ "NUL inside the name", S("a\0b=1"), TV_ANY_ERROR, 0,
		    NO_TAGS },
		{ "control byte after the name", S("a\x01=1"), TV_ANY_ERROR, 0,
		    NO_TAGS },
		/* Tags without "=". */
		{ "name only", S("t"), TV_ERR_NO_EQUALS, 0, NO_TAGS },
		{ "Mail::DKIM testbad2 key", S("k=rsa; t; p=MIGfMA0G"),
		    TV_ERR_NO_EQUALS, 0, NO_TAGS },
		{ "name and FWS before semicolon", S("a=1; t \r\n ;"),
		    TV_ERR_NO_EQUALS, 0, NO_TAGS },
		{ "name at the end after FWS", S("a=1; b "), TV_ERR_NO_EQUALS,
		    0, NO_TAGS },
		/* Duplicates (case-sensitive names). */
		{ "duplicate tag", S("a=1; a=2"), TV_ERR_DUPLICATE, 0,
		    NO_TAGS },
		{ "duplicate tag, same value", S("a=1; b=2; a=1"),
		    TV_ERR_DUPLICATE, 0, NO_TAGS },
		{ "duplicate empty tags", S("p=; p="), TV_ERR_DUPLICATE, 0,
		    NO_TAGS },
		/* Bytes not allowed in a value. */
		{ "NUL in a value", S("a=b\0c"), TV_ERR_BAD_VALUE, 0, NO_TAGS },
		{ "value is NUL", S("a=\0"), TV_ERR_BAD_VALUE, 0, NO_TAGS },
		{ "NUL before the semicolon", S("a=1\0; b=2"), TV_ERR_BAD_VALUE,
		    0, NO_TAGS },
		{ "NUL in a later value", S("a=1; b=x\0"), TV_ERR_BAD_VALUE, 0,
		    NO_TAGS },
		{ "SOH in a value", S("a=b\x01"), TV_ERR_BAD_VALUE, 0,
		    NO_TAGS },
		{ "ESC in a value", S("a=\x1b[0m"), TV_ERR_BAD_VALUE, 0,
		    NO_TAGS },
		{ "vertical tab in a value", S("a=b\vc"), TV_ERR_BAD_VALUE, 0,
		    NO_TAGS },
		{ "form feed in a value", S("a=b\fc"), TV_ERR_BAD_VALUE, 0,
		    NO_TAGS },
		{ "DEL in a value", S("a=b\x7f"), TV_ERR_BAD_VALUE, 0,
		    NO_TAGS },
	};
	run_tv_cases(cases, ARRAY_LEN(cases));
}

/* CR and LF may appear in a value only as part of FWS, a line break
 * followed by WSP (RFC 6376 §2.8, and the tag-value grammar in
 * tagvalue.h); alone they are control bytes, which tagvalue.h says a value
 * must not contain. */
static void
test_tv_rejects_bare_line_breaks_in_value(void **state)
{
	(void)state;
	const struct tv_case cases[] = {
		{ "bare CR inside a value", S("d=exa\rmple.com"),
		    TV_ERR_BAD_VALUE, 0, NO_TAGS },
		{ "LF not followed by WSP inside a value", S("a=b\nc"),
		    TV_ERR_BAD_VALUE, 0, NO_TAGS },
		{ "CRLF not followed by WSP inside a value", S("a=b\r\nc"),
		    TV_ERR_BAD_VALUE, 0, NO_TAGS },
	};
	run_tv_cases(cases, ARRAY_LEN(cases));
}

struct region_case {
	const char *name;
	struct span in;
	const char *tag;
	size_t off; /* where the region starts in |in| */
	struct span region;
};

/* The region of a tag is everything between "=" and the ";" that ends its
 * spec (or the end of input), FWS included: DKIM empties exactly these
 * bytes of b= before hashing the signature field. */
static void
test_tv_region_is_exact(void **state)
{
	(void)state;
	const struct region_case cases[] = {
		{ "b= in the middle with folding",
		    S("v=1; b= abc\r\n def ; d=x"), "b", 7,
		    S(" abc\r\n def ") },
		{ "b= last, trailing FWS", S("a=1; b=xyz \t"), "b", 7,
		    S("xyz \t") },
		{ "b= last, trailing semicolon", S("a=1; b=xyz;"), "b", 7,
		    S("xyz") },
		{ "empty b= before semicolon", S("b=; a=1"), "b", 2, S("") },
		{ "empty b= at the end", S("a=1; b="), "b", 7, S("") },
		{ "FWS before the = is not in the region", S("b \r\n = q ;a=1"),
		    "b", 6, S(" q ") },
		{ "value with 8-bit bytes", S("b=\xff\xfe ;"), "b", 2,
		    S("\xff\xfe ") },
		{ "a region is not another tag's", S("bh=AAA; b=BBB"), "bh", 3,
		    S("AAA") },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct region_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		struct tv_list l;
		assert_int_equal(tv_parse(&l, tc->in), TV_OK);
		const struct tv_tag *t = tv_find(&l, tc->tag);
		assert_non_null(t);
		assert_ptr_equal(t->region.p, tc->in.p + tc->off);
		assert_span_equal(t->region, tc->region.p, tc->region.len);
	}
}

/* build_tags writes |n| distinct tags "t0=0;t1=1;..." into |buf|. */
static struct span
build_tags(char *buf, size_t cap, size_t n, bool trailing_semi)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(
		    buf + o, cap - o, "%st%zu=%zu", i == 0 ? "" : "; ", i, i);
		assert_true(k > 0 && (size_t)k < cap - o);
		o += (size_t)k;
	}
	if (trailing_semi) {
		assert_true(o + 1 < cap);
		buf[o++] = ';';
	}
	return span_make(buf, o);
}

static void
test_tv_max_tags(void **state)
{
	(void)state;
	char buf[4096];
	struct tv_list l;

	struct span in = build_tags(buf, sizeof(buf), TV_MAX_TAGS, false);
	assert_int_equal(tv_parse(&l, in), TV_OK);
	assert_int_equal(l.num_tags, TV_MAX_TAGS);
	assert_span_equal(l.tags[TV_MAX_TAGS - 1].value, "63", 2);

	/* A trailing ";" after the last allowed tag is not another tag. */
	in = build_tags(buf, sizeof(buf), TV_MAX_TAGS, true);
	assert_int_equal(tv_parse(&l, in), TV_OK);
	assert_int_equal(l.num_tags, TV_MAX_TAGS);

	in = build_tags(buf, sizeof(buf), TV_MAX_TAGS + 1, false);
	assert_int_equal(tv_parse(&l, in), TV_ERR_TOO_MANY_TAGS);

	in = build_tags(buf, sizeof(buf), TV_MAX_TAGS + 1, true);
	assert_int_equal(tv_parse(&l, in), TV_ERR_TOO_MANY_TAGS);
}

static void
test_tv_find_is_case_sensitive(void **state)
{
	(void)state;
	struct tv_list l;
	assert_int_equal(tv_parse(&l, S("a=1; A=2; bh=3; b=4")), TV_OK);
	const struct tv_tag *t = tv_find(&l, "a");
	assert_non_null(t);
	assert_span_equal(t->value, "1", 1);
	t = tv_find(&l, "A");
	assert_non_null(t);
	assert_span_equal(t->value, "2", 1);
	t = tv_find(&l, "b");
	assert_non_null(t);
	assert_span_equal(t->value, "4", 1);
	t = tv_find(&l, "bh");
	assert_non_null(t);
	assert_span_equal(t->value, "3", 1);
	assert_null(tv_find(&l, "B"));
	assert_null(tv_find(&l, "BH"));
	assert_null(tv_find(&l, "bhx"));
	assert_null(tv_find(&l, "aa"));
	assert_null(tv_find(&l, ""));
	assert_null(tv_find(&l, "c"));

	/* An empty list finds nothing. */
	struct tv_list empty = { .num_tags = 0 };
	assert_null(tv_find(&empty, "a"));
}

struct strip_case {
	const char *name;
	struct span in;
	size_t cap;
	bool ok;
	struct span want;
};

static void
test_tv_strip_fws_cases(void **state)
{
	(void)state;
	const struct strip_case cases[] = {
		{ "no FWS", S("abc"), 16, true, S("abc") },
		{ "all FWS kinds", S(" a\tb\r\nc \r\n d "), 16, true,
		    S("abcd") },
		{ "only FWS", S(" \t\r\n"), 16, true, S("") },
		{ "empty", S(""), 0, true, S("") },
		{ "exact capacity", S(" a b c "), 3, true, S("abc") },
		{ "one byte short", S(" a b c "), 2, false, S("") },
		{ "zero capacity", S("a"), 0, false, S("") },
		{ "NUL is kept", S("a \0 b"), 16, true, S("a\0b") },
		{ "8-bit kept", S("\xff \xfe"), 16, true, S("\xff\xfe") },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct strip_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		uint8_t buf[17];
		memset(buf, 'Z', sizeof(buf));
		struct span out = S("untouched");
		bool ok = tv_strip_fws(&out, buf, tc->cap, tc->in);
		assert_int_equal(ok, tc->ok);
		/* Nothing is written past the capacity. */
		assert_int_equal(buf[tc->cap], 'Z');
		if (ok) {
			assert_ptr_equal(out.p, buf);
			assert_span_equal(out, tc->want.p, tc->want.len);
		} else {
			assert_span_equal(out, "untouched", 9);
		}
	}
}

struct iter_case {
	const char *name;
	struct span in;
	size_t num;
	struct span want[5];
};

static void
test_tv_iter_cases(void **state)
{
	(void)state;
	const struct iter_case cases[] = {
		{ "plain list", S("from:to:subject"), 3,
		    { S("from"), S("to"), S("subject") } },
		{ "FWS around elements", S(" from : to\r\n :\tsubject \r\n "),
		    3, { S("from"), S("to"), S("subject") } },
		{ "LF folding", S("from:\n to"), 2, { S("from"), S("to") } },
		{ "empty element in the middle", S("from::to"), 3,
		    { S("from"), S(""), S("to") } },
		{ "FWS-only element", S("from: \r\n :to"), 3,
		    { S("from"), S(""), S("to") } },
		{ "trailing colon", S("from:"), 2, { S("from"), S("") } },
		{ "leading colon", S(":from"), 2, { S(""), S("from") } },
		{ "single element", S("from"), 1, { S("from") } },
		{ "empty input is one empty element", S(""), 1, { S("") } },
		{ "lone colon", S(":"), 2, { S(""), S("") } },
		{ "NUL is data", S("a\0b:c"), 2, { S("a\0b"), S("c") } },
		{ "inner WSP kept", S("a b:c"), 2, { S("a b"), S("c") } },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct iter_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		struct tv_iter it;
		tv_iter_init(&it, tc->in);
		struct span el;
		for (size_t k = 0; k < tc->num; k++) {
			assert_true(tv_iter_next(&it, &el));
			assert_span_equal(el, tc->want[k].p, tc->want[k].len);
			if (el.len > 0) {
				assert_true(el.p >= tc->in.p &&
				    el.p + el.len <= tc->in.p + tc->in.len);
			}
		}
		/* The end is sticky and leaves the output alone. */
		el = S("untouched");
		assert_false(tv_iter_next(&it, &el));
		assert_false(tv_iter_next(&it, &el));
		assert_span_equal(el, "untouched", 9);
	}
}

static void
test_tv_status_str_names_every_status(void **state)
{
	(void)state;
	for (int st = TV_OK; st <= TV_ERR_TOO_MANY_TAGS; st++) {
		const char *s = tv_status_str((enum tv_status)st);
		assert_non_null(s);
		assert_string_not_equal(s, "unknown");
		for (int o = TV_OK; o < st; o++) {
			assert_string_not_equal(
			    s, tv_status_str((enum tv_status)o));
		}
	}
}

/* An empty span with a NULL pointer (span_empty(), allowed by span.h) is
 * an empty list, and an empty colon list; neither may do pointer
 * arithmetic on NULL (clang UBSan: "applying zero offset to null
 * pointer").  Kept last: under clang UBSan a failure aborts. */
static void
test_tv_null_empty_span(void **state)
{
	(void)state;
	struct tv_list l;
	assert_int_equal(tv_parse(&l, span_empty()), TV_ERR_EMPTY_SPEC);
	struct tv_iter it;
	tv_iter_init(&it, span_empty());
	struct span el = S("untouched");
	assert_true(tv_iter_next(&it, &el));
	assert_int_equal(el.len, 0);
	assert_false(tv_iter_next(&it, &el));
	uint8_t buf[1];
	assert_true(tv_strip_fws(&el, buf, 0, span_empty()));
	assert_int_equal(el.len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tv_parse_cases),
		cmocka_unit_test(test_tv_rejects_bare_line_breaks_in_value),
		cmocka_unit_test(test_tv_region_is_exact),
		cmocka_unit_test(test_tv_max_tags),
		cmocka_unit_test(test_tv_find_is_case_sensitive),
		cmocka_unit_test(test_tv_strip_fws_cases),
		cmocka_unit_test(test_tv_iter_cases),
		cmocka_unit_test(test_tv_status_str_names_every_status),
		cmocka_unit_test(test_tv_null_empty_span),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
