/*
 * test_authres.c - the RFC 8601 payload parser (auth/authres.c), table
 * driven.  The python-authres vectors (make vectors) cover real headers;
 * these cases pin the edges: comments and folds, quoting, versions,
 * "none", bytes that are not allowed (an embedded NUL among them), and
 * payloads that must be refused.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <string.h>

#include "auth/authres.h"

struct ar_case {
	const char *what;
	const char *in;
	size_t len; /* 0: strlen(in) */
	bool ok;
	const char *id;
	size_t results;
	const char *method; /* of the first result */
	const char *prop;   /* "ptype.property=value" of its first property */
};

static const struct ar_case cases[] = {
	{ "one result", " mx.example.org; spf=pass smtp.mailfrom=a@b.example",
	    0, true, "mx.example.org", 1, "spf", "smtp.mailfrom=a@b.example" },
	{ "comments and folds anywhere",
	    " (c) mx.example.org (x (nested))\r\n"
	    "\t; dkim (v) = pass (good) header.d = example.com",
	    0, true, "mx.example.org", 1, "dkim", "header.d=example.com" },
	{ "quoted authserv-id and a version",
	    " \"mx \\\"a\\\"\" 1; "
	    "auth/2=pass reason=\"ok then\"",
	    0, true, "\"mx \\\"a\\\"\"", 1, "auth", NULL },
	{ "none", " mx.example.org; none", 0, true, "mx.example.org", 0, NULL,
	    NULL },
	{ "a trailing semicolon", " mx.example.org; arc=none;", 0, true,
	    "mx.example.org", 1, "arc", NULL },
	{ "a base64 header.b", " mx; dkim=pass header.b=Qgi/Fo+C0=", 0, true,
	    "mx", 1, "dkim", "header.b=Qgi/Fo+C0=" },
	{ "a property without ptype", " mx; x-tls=pass version=TLSv1.2", 0,
	    true, "mx", 1, "x-tls", ".version=TLSv1.2" },
	{ "an embedded NUL ends the value and leaves junk",
	    " mx; dkim=pass "
	    "header.d=a\0b.example",
	    33, false, NULL, 0, NULL, NULL },
	{ "a NUL in the authserv-id", " m\0x; none", 10, false, NULL, 0, NULL,
	    NULL },
	{ "empty", "", 0, false, NULL, 0, NULL, NULL },
	{ "no result", " mx.example.org", 0, false, NULL, 0, NULL, NULL },
	{ "no \"=\" after the method", " mx; dkim pass", 0, false, NULL, 0,
	    NULL, NULL },
	{ "none beside results", " mx; none; spf=pass", 0, false, NULL, 0, NULL,
	    NULL },
	{ "an unterminated comment", " mx; spf=pass (oops", 0, false, NULL, 0,
	    NULL, NULL },
	{ "an unterminated quote", " mx; spf=pass reason=\"oops", 0, false,
	    NULL, 0, NULL, NULL },
	{ "a colon in a property value", " mx; iprev=pass policy.iprev=1:2", 0,
	    false, NULL, 0, NULL, NULL },
};

static void
test_cases(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 16);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct ar_case *c = &cases[i];
		print_message("case: %s\n", c->what);
		arena_reset(&a);
		size_t len = c->len != 0 ? c->len : strlen(c->in);
		struct authres ar;
		const char *why = NULL;
		bool ok = authres_parse(&ar, span_make(c->in, len), &a, &why);
		assert_int_equal(ok, c->ok);
		if (!ok) {
			assert_non_null(why);
			continue;
		}
		assert_span_equal(ar.authserv_id, c->id, strlen(c->id));
		assert_int_equal(ar.num_results, c->results);
		if (c->method != NULL) {
			assert_span_equal(
			    ar.results[0].method, c->method, strlen(c->method));
		}
		if (c->prop != NULL) {
			const struct authres_prop *p = &ar.results[0].props[0];
			char got[256];
			snprintf(got, sizeof(got), "%.*s.%.*s=%.*s",
			    (int)p->ptype.len, (const char *)p->ptype.p,
			    (int)p->property.len, (const char *)p->property.p,
			    (int)p->value.len, (const char *)p->value.p);
			assert_string_equal(got, c->prop);
		}
	}
	arena_cleanup(&a);
}

static void
test_find(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 16);
	struct authres ar;
	const char *why;
	assert_true(authres_parse(&ar,
	    S(" mx; dmarc=pass HEADER.From=example.com policy.dmarc=reject"),
	    &a, &why));
	struct span v = authres_find(&ar.results[0], "header", "from");
	assert_span_equal(v, "example.com", 11);
	assert_int_equal(authres_find(&ar.results[0], "smtp", "from").len, 0);
	arena_cleanup(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
