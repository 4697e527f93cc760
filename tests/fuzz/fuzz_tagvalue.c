/*
 * fuzz_tagvalue.c - the RFC 6376 §3.2 tag-list parser on arbitrary bytes.
 *
 * On TV_OK every tag's name, value and region must lie inside the input,
 * names must match the tag-name grammar and be unique, values must be
 * trimmed and free of ";" and control bytes other than FWS, regions must
 * start after "=" and end at ";" or the end of input, and tv_find must
 * return each tag by its name.  tv_iter and tv_strip_fws run over every
 * value and must terminate within bounds.
 */
#include <stdbool.h>
#include <string.h>

#include "canon/tagvalue.h"
#include "tests/fuzz/fuzz.h"

static bool
inside(struct span s, const uint8_t *lo, const uint8_t *hi)
{
	if (s.len == 0) {
		return s.p >= lo && s.p <= hi;
	}
	return s.p >= lo && s.p <= hi && s.len <= (size_t)(hi - s.p);
}

static void
check_iter(struct span value)
{
	struct tv_iter it;
	tv_iter_init(&it, value);
	struct span el;
	size_t n = 0;
	size_t colons = 0;
	for (size_t i = 0; i < value.len; i++) {
		colons += value.p[i] == ':';
	}
	while (tv_iter_next(&it, &el)) {
		FUZZ_CHECK(n <= colons);
		if (el.len > 0) {
			FUZZ_CHECK(inside(el, value.p, value.p + value.len));
			FUZZ_CHECK(!span_is_fws(el.p[0]));
			FUZZ_CHECK(!span_is_fws(el.p[el.len - 1]));
			FUZZ_CHECK(span_find(el, ':') == el.len);
		}
		n++;
	}
	/* One element more than there are colons. */
	FUZZ_CHECK(n == colons + 1);
	FUZZ_CHECK(!tv_iter_next(&it, &el));
}

FUZZ_TARGET(tagvalue)
{
	struct tv_list l;
	struct span in = span_make(data, size);
	enum tv_status st = tv_parse(&l, in);
	FUZZ_CHECK(st <= TV_ERR_TOO_MANY_TAGS);
	if (st != TV_OK) {
		return 0;
	}
	const uint8_t *end = data + size;
	FUZZ_CHECK(l.num_tags >= 1 && l.num_tags <= TV_MAX_TAGS);
	const uint8_t *prev = data;
	for (size_t i = 0; i < l.num_tags; i++) {
		const struct tv_tag *t = &l.tags[i];
		FUZZ_CHECK(inside(t->name, data, end));
		FUZZ_CHECK(inside(t->region, data, end));
		FUZZ_CHECK(
		    inside(t->value, t->region.p, t->region.p + t->region.len));
		/* Tags are in input order. */
		FUZZ_CHECK(t->name.p >= prev);
		prev = t->region.p + t->region.len;
		/* tag-name = ALPHA *ALNUMPUNC */
		FUZZ_CHECK(t->name.len >= 1 && span_is_alpha(t->name.p[0]));
		for (size_t k = 1; k < t->name.len; k++) {
			uint8_t c = t->name.p[k];
			FUZZ_CHECK(
			    span_is_alpha(c) || span_is_digit(c) || c == '_');
		}
		/* The region starts after "=" and ends at ";" or the end. */
		FUZZ_CHECK(t->region.p > t->name.p + t->name.len - 1);
		FUZZ_CHECK(t->region.p[-1] == '=');
		FUZZ_CHECK(prev == end || *prev == ';');
		/* Values are trimmed and hold only allowed bytes. */
		if (t->value.len > 0) {
			FUZZ_CHECK(!span_is_fws(t->value.p[0]));
			FUZZ_CHECK(!span_is_fws(t->value.p[t->value.len - 1]));
		}
		for (size_t k = 0; k < t->region.len; k++) {
			uint8_t c = t->region.p[k];
			FUZZ_CHECK(c != ';' && c != 0 && c != 0x7f);
			FUZZ_CHECK(c >= 0x20 || span_is_fws(c));
		}
		/* Names are unique, and tv_find returns each tag. */
		for (size_t j = 0; j < i; j++) {
			FUZZ_CHECK(!span_eq(l.tags[j].name, t->name));
		}
		char name[256];
		if (t->name.len < sizeof(name)) {
			memcpy(name, t->name.p, t->name.len);
			name[t->name.len] = '\0';
			FUZZ_CHECK(tv_find(&l, name) == t);
		}
		check_iter(t->value);
		/* Stripping FWS never grows a value. */
		uint8_t buf[4096];
		struct span out;
		if (t->value.len <= sizeof(buf)) {
			FUZZ_CHECK(
			    tv_strip_fws(&out, buf, t->value.len, t->value));
			FUZZ_CHECK(out.len <= t->value.len);
			for (size_t k = 0; k < out.len; k++) {
				FUZZ_CHECK(!span_is_fws(out.p[k]));
			}
		}
	}
	return 0;
}
