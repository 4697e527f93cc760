/*
 * record.c - result records in the compact and JSONL formats (see
 * record.h).
 *
 * JSON strings are written as valid UTF-8: well-formed UTF-8 in message
 * data passes through, control bytes are escaped, and bytes that are not
 * part of a well-formed sequence become U+FFFD.
 */
#include "engine/record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
outbuf_put(struct outbuf *b, const void *p, size_t len)
{
	if (b->failed || len == 0) {
		return;
	}
	if (len > b->cap - b->len) {
		size_t ncap = b->cap == 0 ? 4096 : b->cap;
		while (ncap - b->len < len) {
			if (ncap > SIZE_MAX / 2) {
				b->failed = true;
				return;
			}
			ncap *= 2;
		}
		char *n = realloc(b->p, ncap);
		if (n == NULL) {
			b->failed = true;
			return;
		}
		b->p = n;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

void
outbuf_puts(struct outbuf *b, const char *s)
{
	outbuf_put(b, s, strlen(s));
}

void
outbuf_printf(struct outbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->failed = true;
		return;
	}
	outbuf_put(b, tmp, (size_t)n);
}

void
outbuf_free(struct outbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- compact ------------------------------------------------------------ */

static void
put_escaped(struct outbuf *b, const uint8_t *p, size_t len, bool colon)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (c > 0x20 && c < 0x7f && c != '%' && !(colon && c == ':')) {
			continue;
		}
		outbuf_put(b, p + run, i - run);
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
		outbuf_put(b, esc, 3);
		run = i + 1;
	}
	outbuf_put(b, p + run, len - run);
}

static const char *
alg_short(struct span a)
{
	if (span_eq_icase_lit(a, "rsa-sha256")) {
		return "rsa256";
	}
	if (span_eq_icase_lit(a, "ed25519-sha256")) {
		return "ed25519";
	}
	if (span_eq_icase_lit(a, "rsa-sha1")) {
		return "rsa1";
	}
	return "?";
}

static void
canon_short(struct outbuf *b, struct span c)
{
	static const char *const forms[][2] = {
		{ "simple", "ss" },
		{ "relaxed", "rs" },
		{ "simple/simple", "ss" },
		{ "simple/relaxed", "sr" },
		{ "relaxed/simple", "rs" },
		{ "relaxed/relaxed", "rr" },
	};
	if (c.len == 0) {
		outbuf_puts(b, "ss");
		return;
	}
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (span_eq_icase_lit(c, forms[i][0])) {
			outbuf_puts(b, forms[i][1]);
			return;
		}
	}
	outbuf_puts(b, "?");
}

/* compact_arc writes the ARC column: "none"; "pass:N:D" (N sets, the
 * newest sealed by D); "fail/REASON@I:D" (I the instance that broke the
 * chain, D its sealer, "-" when unknown). */
static void
compact_arc(struct outbuf *b, const struct arc_outcome *a)
{
	outbuf_put(b, "\t", 1);
	if (a == NULL || a->result == ARC_NONE) {
		outbuf_puts(b, "none");
		return;
	}
	struct span d = span_empty();
	if (a->result == ARC_PASS) {
		d = a->inst[a->num_instances - 1].as.d;
		outbuf_printf(b, "pass:%zu:", a->num_instances);
	} else {
		if (a->broken > 0 && a->broken <= a->num_instances) {
			d = a->inst[a->broken - 1].as.d;
		}
		outbuf_printf(
		    b, "fail/%s@%u:", arc_reason_code(a->reason), a->broken);
	}
	if (d.len > 0) {
		put_escaped(b, d.p, d.len, true);
	} else {
		outbuf_puts(b, "-");
	}
}

static void
write_compact(struct outbuf *b, const struct record *r)
{
	put_escaped(b, (const uint8_t *)r->path, strlen(r->path), false);
	if (r->offset >= 0) {
		outbuf_printf(b, "\t%lld", (long long)r->offset);
	} else {
		outbuf_puts(b, "\t-");
	}
	outbuf_printf(b, "\t%lld\t", (long long)r->time);
	if (r->error != NULL) {
		outbuf_puts(b, "error:");
		put_escaped(
		    b, (const uint8_t *)r->error, strlen(r->error), false);
		outbuf_puts(b, "\t-\t-\n");
		return;
	}
	outbuf_puts(b, "ok\t");
	const struct dkim_outcome *o = r->dkim;
	if (o->num_sigs == 0) {
		outbuf_puts(b, "-");
	}
	for (size_t i = 0; i < o->num_sigs; i++) {
		const struct dkim_result *s = &o->sigs[i];
		if (i > 0) {
			outbuf_put(b, " ", 1);
		}
		outbuf_puts(b, auth_verdict_str(s->verdict));
		if (s->verdict != AUTH_PASS) {
			outbuf_put(b, "/", 1);
			outbuf_puts(b, dkim_reason_code(s->reason));
		}
		outbuf_put(b, ":", 1);
		put_escaped(b, s->d.p, s->d.len, true);
		outbuf_put(b, ":", 1);
		put_escaped(b, s->s.p, s->s.len, true);
		outbuf_put(b, ":", 1);
		outbuf_puts(b, alg_short(s->a));
		outbuf_put(b, ":", 1);
		canon_short(b, s->c);
	}
	if (o->num_unlisted > 0) {
		outbuf_printf(b, " +%zu", o->num_unlisted);
	}
	compact_arc(b, r->arc);
	outbuf_put(b, "\n", 1);
}

/* ---- JSON --------------------------------------------------------------- */

/* utf8_len returns the length of the well-formed UTF-8 sequence at p (at
 * most |n| bytes), or 0 if there is none (RFC 3629 §4). */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len;
	uint8_t lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi) {
		return 0;
	}
	for (size_t i = 2; i < len; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf) {
			return 0;
		}
	}
	return len;
}

static void
json_string(struct outbuf *b, const uint8_t *p, size_t len)
{
	outbuf_put(b, "\"", 1);
	size_t i = 0;
	while (i < len) {
		uint8_t c = p[i];
		if (c >= 0x80) {
			size_t n = utf8_len(p + i, len - i);
			if (n == 0) {
				outbuf_puts(b, "\\ufffd");
				i++;
			} else {
				outbuf_put(b, p + i, n);
				i += n;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			outbuf_put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			outbuf_printf(b, "\\u%04x", c);
		} else {
			outbuf_put(b, &p[i], 1);
		}
		i++;
	}
	outbuf_put(b, "\"", 1);
}

static void
json_key_span(struct outbuf *b, const char *key, struct span v)
{
	outbuf_printf(b, ",\"%s\":", key);
	json_string(b, v.p, v.len);
}

static void
json_key_str(struct outbuf *b, const char *key, const char *v)
{
	json_key_span(b, key, span_make(v, strlen(v)));
}

static const char *const time_sources[] = {
	[TIME_GIVEN] = "given",
	[TIME_RECEIVED] = "received",
	[TIME_MTIME] = "mtime",
	[TIME_FROM] = "from-line",
	[TIME_NONE] = "none",
};

static void
json_reason(struct outbuf *b, const struct dkim_result *s)
{
	char text[256];
	const char *base = dkim_reason_text(s->reason);
	if (s->crypto_checked) {
		snprintf(text, sizeof(text), "%s; signature otherwise %s", base,
		    s->crypto_ok ? "verifies" : "fails too");
	} else if (s->detail != NULL) {
		snprintf(text, sizeof(text), "%s: %s", base, s->detail);
	} else {
		snprintf(text, sizeof(text), "%s", base);
	}
	json_key_str(b, "reason", text);
}

/* json_diag writes "diagnosis": the variant under which a failed hash
 * matches (auth/diagnose.c), when there is one. */
static void
json_diag(struct outbuf *b, const struct dkim_result *s)
{
	if (s->diag == DKIM_DIAG_NONE) {
		return;
	}
	outbuf_puts(b, ",\"diagnosis\":{\"code\":\"");
	outbuf_puts(b, dkim_diag_code(s->diag));
	outbuf_puts(b, "\"");
	json_key_str(b, "text", dkim_diag_text(s->diag));
	if (s->diag == DKIM_DIAG_BODY_APPENDED) {
		outbuf_printf(
		    b, ",\"appended\":%llu", (unsigned long long)s->diag_bytes);
	}
	outbuf_put(b, "}", 1);
}

static void
json_sig(struct outbuf *b, const struct dkim_result *s)
{
	outbuf_puts(b, "{\"result\":\"");
	outbuf_puts(b, auth_verdict_str(s->verdict));
	outbuf_puts(b, "\"");
	json_key_span(b, "d", s->d);
	json_key_span(b, "s", s->s);
	json_key_span(b, "a", s->a);
	json_key_span(b, "c", s->c.len > 0 ? s->c : SPAN_LIT("simple/simple"));
	json_key_str(b, "code", dkim_reason_code(s->reason));
	json_reason(b, s);
	if (s->auid.len > 0) {
		json_key_span(b, "i", s->auid);
	}
	if (s->has_l) {
		outbuf_printf(b, ",\"l\":%llu", (unsigned long long)s->l);
	}
	if (s->key_bits > 0) {
		outbuf_printf(b, ",\"bits\":%u", s->key_bits);
	}
	if (s->testing) {
		outbuf_puts(b, ",\"testing\":true");
	}
	json_diag(b, s);
	outbuf_put(b, "}", 1);
}

/* json_arc_sig writes one seal's or AMS's result, as for DKIM. */
static void
json_arc_sig(struct outbuf *b, const char *key, const struct dkim_result *s,
    bool evaluated)
{
	outbuf_printf(b, ",\"%s\":", key);
	if (!evaluated) {
		outbuf_puts(b, "null");
		return;
	}
	outbuf_puts(b, "{\"result\":\"");
	outbuf_puts(b, auth_verdict_str(s->verdict));
	outbuf_puts(b, "\"");
	json_key_span(b, "d", s->d);
	json_key_span(b, "s", s->s);
	json_key_str(b, "code", dkim_reason_code(s->reason));
	json_reason(b, s);
	outbuf_put(b, "}", 1);
}

/* json_aar writes an instance's ARC-Authentication-Results: "aar" parsed
 * (RFC 8601: authserv_id and results, each with method, result, reason
 * and props as "ptype.property": value), or "aar_raw" and "aar_error"
 * when it does not parse. */
static void
json_aar(struct outbuf *b, const struct arc_instance *in)
{
	if (!in->aar_ok) {
		json_key_span(b, "aar_raw", in->aar);
		json_key_str(b, "aar_error",
		    in->aar_why != NULL ? in->aar_why : "syntax error");
		return;
	}
	const struct authres *ar = &in->aar_parsed;
	outbuf_puts(b, ",\"aar\":{\"authserv_id\":");
	json_string(b, ar->authserv_id.p, ar->authserv_id.len);
	outbuf_puts(b, ",\"results\":[");
	for (size_t i = 0; i < ar->num_results; i++) {
		const struct authres_result *r = &ar->results[i];
		outbuf_puts(b, i > 0 ? ",{\"method\":" : "{\"method\":");
		json_string(b, r->method.p, r->method.len);
		json_key_span(b, "result", r->result);
		if (r->reason.p != NULL) {
			json_key_span(b, "reason", r->reason);
		}
		outbuf_puts(b, ",\"props\":{");
		for (size_t j = 0; j < r->num_props; j++) {
			const struct authres_prop *p = &r->props[j];
			char key[160];
			int k = snprintf(key, sizeof(key), "%.*s%s%.*s",
			    (int)p->ptype.len, (const char *)p->ptype.p,
			    p->ptype.len > 0 ? "." : "", (int)p->property.len,
			    (const char *)p->property.p);
			outbuf_puts(b, j > 0 ? "," : "");
			json_string(b, (const uint8_t *)key,
			    k < 0                         ? 0
			        : (size_t)k < sizeof(key) ? (size_t)k
			                                  : sizeof(key) - 1);
			outbuf_put(b, ":", 1);
			json_string(b, p->value.p, p->value.len);
		}
		outbuf_puts(b, "}}");
	}
	outbuf_puts(b, "]}");
}

/* json_arc writes "arc": result, why and where it broke, the oldest
 * instance whose AMS passes, and each set (RFC 8617). */
static void
json_arc(struct outbuf *b, const struct arc_outcome *a)
{
	outbuf_puts(b, ",\"arc\":{\"result\":\"");
	outbuf_puts(b, arc_result_str(a != NULL ? a->result : ARC_NONE));
	outbuf_puts(b, "\"");
	if (a == NULL || a->result == ARC_NONE) {
		outbuf_puts(b, ",\"instances\":[]}");
		return;
	}
	if (a->result == ARC_FAIL) {
		json_key_str(b, "code", arc_reason_code(a->reason));
		json_key_str(b, "reason", arc_reason_text(a->reason));
		outbuf_printf(b, ",\"broken\":%u", a->broken);
	}
	if (a->oldest_pass > 0) {
		outbuf_printf(b, ",\"oldest_pass\":%u", a->oldest_pass);
	}
	outbuf_puts(b, ",\"instances\":[");
	for (size_t i = 0; i < a->num_instances; i++) {
		const struct arc_instance *in = &a->inst[i];
		outbuf_printf(b, "%s{\"i\":%u", i > 0 ? "," : "", in->i);
		json_key_span(b, "d", in->as.d);
		json_key_span(b, "s", in->as.s);
		json_key_span(b, "cv", in->cv);
		json_arc_sig(b, "ams", &in->ams, in->ams_evaluated);
		json_arc_sig(b, "as", &in->as, in->as_evaluated);
		json_aar(b, in);
		outbuf_put(b, "}", 1);
	}
	outbuf_puts(b, "]}");
}

static void
write_jsonl(struct outbuf *b, const struct record *r)
{
	outbuf_puts(b, "{\"path\":");
	json_string(b, (const uint8_t *)r->path, strlen(r->path));
	if (r->offset >= 0) {
		outbuf_printf(b, ",\"offset\":%lld", (long long)r->offset);
	}
	outbuf_printf(b, ",\"time\":%lld", (long long)r->time);
	json_key_str(b, "time_source", time_sources[r->time_source]);
	if (r->error != NULL) {
		json_key_str(b, "error", r->error);
		outbuf_puts(b, "}\n");
		return;
	}
	outbuf_puts(b, ",\"dkim\":[");
	for (size_t i = 0; i < r->dkim->num_sigs; i++) {
		if (i > 0) {
			outbuf_put(b, ",", 1);
		}
		json_sig(b, &r->dkim->sigs[i]);
	}
	outbuf_put(b, "]", 1);
	if (r->dkim->num_unlisted > 0) {
		outbuf_printf(
		    b, ",\"dkim_unlisted\":%zu", r->dkim->num_unlisted);
	}
	json_arc(b, r->arc);
	outbuf_puts(b, "}\n");
}

void
record_write(struct outbuf *b, enum record_format fmt, const struct record *r)
{
	if (fmt == FORMAT_JSONL) {
		write_jsonl(b, r);
	} else {
		write_compact(b, r);
	}
}
