/*
 * fuzz_authres.c - RFC 8601 Authentication-Results payloads on arbitrary
 * bytes (auth/authres.c).  Whatever authres_parse says, every span it
 * returns lies inside the input, the bounds hold, and "none" never stands
 * beside results.
 */
#include "auth/authres.h"
#include "tests/fuzz/fuzz.h"

static int
inside(struct span s, const uint8_t *p, size_t len)
{
	return s.len == 0 || (s.p >= p && s.p + s.len <= p + len);
}

FUZZ_TARGET(authres)
{
	static struct arena a;
	static int ready;
	if (!ready) {
		arena_init(&a, (size_t)1 << 16);
		ready = 1;
	}
	arena_reset(&a);
	struct authres ar;
	const char *why = NULL;
	if (!authres_parse(&ar, span_make(data, size), &a, &why)) {
		FUZZ_CHECK(why != NULL);
		return 0;
	}
	FUZZ_CHECK(
	    ar.authserv_id.len > 0 && inside(ar.authserv_id, data, size));
	FUZZ_CHECK(ar.num_results <= AUTHRES_MAX_RESULTS);
	FUZZ_CHECK(!(ar.none && ar.num_results > 0));
	for (size_t i = 0; i < ar.num_results; i++) {
		const struct authres_result *r = &ar.results[i];
		FUZZ_CHECK(r->method.len > 0 && inside(r->method, data, size));
		FUZZ_CHECK(r->result.len > 0 && inside(r->result, data, size));
		FUZZ_CHECK(inside(r->reason, data, size));
		FUZZ_CHECK(r->num_props <= AUTHRES_MAX_PROPS);
		for (size_t j = 0; j < r->num_props; j++) {
			const struct authres_prop *p = &r->props[j];
			FUZZ_CHECK(inside(p->ptype, data, size));
			FUZZ_CHECK(p->property.len > 0 &&
			    inside(p->property, data, size));
			FUZZ_CHECK(inside(p->value, data, size));
		}
	}
	return 0;
}
