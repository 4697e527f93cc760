/*
 * tagvalue.c - RFC 6376 §3.2 tag=value list parser (see tagvalue.h).
 */
#include "canon/tagvalue.h"

#include <string.h>

static bool
is_alnumpunc(uint8_t c)
{
	return span_is_alpha(c) || span_is_digit(c) || c == '_';
}

/* VALCHAR = %x21-3A / %x3C-7E, plus 8-bit bytes (RFC 8616), plus the FWS
 * bytes that may separate tvals. */
static bool
is_value_byte(uint8_t c)
{
	return (c >= 0x21 && c <= 0x7e && c != ';') || c >= 0x80 ||
	    span_is_fws(c);
}

/* breaks_ok reports whether every line break in |s| is folding white space
 * (RFC 6376 §2.8): a CR only as part of CRLF, and a line ending (CRLF, or
 * a bare LF in LF-only storage) only when WSP follows it. */
static bool
breaks_ok(struct span s)
{
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] == '\r' && (i + 1 == s.len || s.p[i + 1] != '\n')) {
			return false;
		}
		if (s.p[i] == '\n' &&
		    (i + 1 == s.len || !span_is_wsp(s.p[i + 1]))) {
			return false;
		}
	}
	return true;
}

static bool
all_fws(struct span s)
{
	for (size_t i = 0; i < s.len; i++) {
		if (!span_is_fws(s.p[i])) {
			return false;
		}
	}
	return true;
}

static enum tv_status
parse_spec(struct tv_tag *out, struct span spec)
{
	if (!breaks_ok(spec)) {
		return TV_ERR_BAD_VALUE;
	}
	span_skip_fws(&spec);
	uint8_t c;
	if (!span_peek_u8(&spec, &c) || !span_is_alpha(c)) {
		return TV_ERR_BAD_NAME;
	}
	size_t n = 1;
	while (n < spec.len && is_alnumpunc(spec.p[n])) {
		n++;
	}
	struct span name;
	(void)span_get_bytes(&spec, &name, n);
	span_skip_fws(&spec);
	if (!span_get_u8(&spec, &c)) {
		return TV_ERR_NO_EQUALS;
	}
	if (c != '=') {
		/* A name followed by anything but FWS and "=" is either a bad
		 * name ("a-b=") or a tag without a value ("t;"). */
		return span_is_fws(c) ? TV_ERR_NO_EQUALS : TV_ERR_BAD_NAME;
	}
	for (size_t i = 0; i < spec.len; i++) {
		if (!is_value_byte(spec.p[i])) {
			return TV_ERR_BAD_VALUE;
		}
	}
	out->name = name;
	out->region = spec;
	out->value = span_trim_fws(spec);
	return TV_OK;
}

enum tv_status
tv_parse(struct tv_list *out, struct span in)
{
	out->num_tags = 0;
	struct span rest = in;
	for (;;) {
		size_t semi = span_find(rest, ';');
		struct span spec = span_sub(rest, 0, semi);
		bool last = semi == rest.len;
		if (all_fws(spec) && breaks_ok(spec)) {
			/* Only a trailing ";" may be followed by nothing. */
			if (last && out->num_tags > 0) {
				return TV_OK;
			}
			return TV_ERR_EMPTY_SPEC;
		}
		if (out->num_tags == TV_MAX_TAGS) {
			return TV_ERR_TOO_MANY_TAGS;
		}
		struct tv_tag tag;
		enum tv_status st = parse_spec(&tag, spec);
		if (st != TV_OK) {
			return st;
		}
		for (size_t i = 0; i < out->num_tags; i++) {
			if (span_eq(out->tags[i].name, tag.name)) {
				return TV_ERR_DUPLICATE;
			}
		}
		out->tags[out->num_tags++] = tag;
		if (last) {
			return TV_OK;
		}
		(void)span_skip(&rest, semi + 1);
	}
}

const char *
tv_status_str(enum tv_status st)
{
	switch (st) {
	case TV_OK:
		return "ok";
	case TV_ERR_EMPTY_SPEC:
		return "empty tag-spec";
	case TV_ERR_BAD_NAME:
		return "bad tag name";
	case TV_ERR_NO_EQUALS:
		return "tag without '='";
	case TV_ERR_BAD_VALUE:
		return "bad byte in tag value";
	case TV_ERR_DUPLICATE:
		return "duplicate tag";
	case TV_ERR_TOO_MANY_TAGS:
		return "too many tags";
	}
	return "unknown";
}

const struct tv_tag *
tv_find(const struct tv_list *l, const char *name)
{
	for (size_t i = 0; i < l->num_tags; i++) {
		const struct tv_tag *t = &l->tags[i];
		size_t j = 0;
		while (j < t->name.len && name[j] != '\0' &&
		    t->name.p[j] == (uint8_t)name[j]) {
			j++;
		}
		if (j == t->name.len && name[j] == '\0') {
			return t;
		}
	}
	return NULL;
}

bool
tv_strip_fws(struct span *out, uint8_t *buf, size_t cap, struct span in)
{
	size_t n = 0;
	for (size_t i = 0; i < in.len; i++) {
		if (span_is_fws(in.p[i])) {
			continue;
		}
		if (n == cap) {
			return false;
		}
		buf[n++] = in.p[i];
	}
	*out = span_make(buf, n);
	return true;
}

void
tv_iter_init(struct tv_iter *it, struct span in)
{
	it->rest = in;
	it->done = false;
}

bool
tv_iter_next(struct tv_iter *it, struct span *out)
{
	if (it->done) {
		return false;
	}
	size_t colon = span_find(it->rest, ':');
	*out = span_trim_fws(span_sub(it->rest, 0, colon));
	if (colon == it->rest.len) {
		it->done = true;
	} else {
		(void)span_skip(&it->rest, colon + 1);
	}
	return true;
}
