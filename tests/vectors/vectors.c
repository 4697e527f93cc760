/*
 * vectors.c - helpers for the conformance runner (see vectors.h).
 */
#include "tests/vectors/vectors.h"
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/msg.h"
#include "engine/record.h"

static const struct dns_rrset tempfail_timeout = {
	.status = DNS_TEMPFAIL,
	.reason = "timeout (test data)",
};

static const struct dns_rrset *
overlay_lookup(const struct dns_view *v, struct span name, enum dns_type type,
    int64_t when)
{
	const struct vec_dns *d = v->ctx;
	for (size_t i = 0; i < d->num_tempfail; i++) {
		if (span_eq_icase(name,
		        span_make(d->tempfail[i], strlen(d->tempfail[i])))) {
			return &tempfail_timeout;
		}
	}
	return dns_view_lookup(&d->zone_view, name, type, when);
}

void
vec_dns_init(struct vec_dns *d)
{
	memset(d, 0, sizeof(*d));
	d->zone = zone_new();
	assert_non_null(d->zone);
	d->zone_view = zone_view(d->zone);
	d->view.lookup = overlay_lookup;
	d->view.ctx = d;
}

void
vec_dns_cleanup(struct vec_dns *d)
{
	zone_free(d->zone);
	for (size_t i = 0; i < d->num_tempfail; i++) {
		free(d->tempfail[i]);
	}
	memset(d, 0, sizeof(*d));
}

/* put_name writes |name| as an absolute master-file name, escaping every
 * byte that is not a letter, digit, "-", "_" or "." as \DDD. */
static void
put_name(struct outbuf *b, struct span name)
{
	for (size_t i = 0; i < name.len; i++) {
		uint8_t c = name.p[i];
		if (span_is_alpha(c) || span_is_digit(c) || c == '-' ||
		    c == '_' || c == '.') {
			outbuf_put(b, &c, 1);
		} else {
			outbuf_printf(b, "\\%03u", c);
		}
	}
	outbuf_puts(b, ". ");
}

/* put_txt writes |rdata| as quoted character-strings of at most 255 bytes,
 * escaping quotes, backslashes and non-printable bytes. */
static void
put_txt(struct outbuf *b, struct span rdata)
{
	outbuf_puts(b, "IN TXT (");
	size_t i = 0;
	do {
		size_t n = rdata.len - i < 255 ? rdata.len - i : 255;
		outbuf_puts(b, " \"");
		for (size_t k = i; k < i + n; k++) {
			uint8_t c = rdata.p[k];
			if (c == '"' || c == '\\') {
				uint8_t esc[2] = { '\\', c };
				outbuf_put(b, esc, 2);
			} else if (c < 0x20 || c >= 0x7f) {
				outbuf_printf(b, "\\%03u", c);
			} else {
				outbuf_put(b, &c, 1);
			}
		}
		outbuf_puts(b, "\"");
		i += n;
	} while (i < rdata.len);
	outbuf_puts(b, " )\n");
}

bool
vec_dns_add_lines(struct vec_dns *d, struct span lines)
{
	struct outbuf zone = { 0 };
	outbuf_puts(&zone, "$TTL 300\n");
	while (lines.len > 0) {
		size_t nl = span_find(lines, '\n');
		struct span line = span_trim_fws(span_sub(lines, 0, nl));
		(void)span_skip(&lines, nl == lines.len ? nl : nl + 1);
		if (line.len == 0 || line.p[0] == '#') {
			continue;
		}
		size_t sp = 0;
		while (sp < line.len && !span_is_wsp(line.p[sp])) {
			sp++;
		}
		struct span name = span_sub(line, 0, sp);
		struct span rdata =
		    span_trim_fws(span_sub(line, sp, line.len - sp));
		if (span_eq(rdata, SPAN_LIT("NXDOMAIN"))) {
			continue;
		}
		if (span_eq(rdata, SPAN_LIT("~~Query timed out~~")) ||
		    span_eq(rdata, SPAN_LIT("~~SERVFAIL~~"))) {
			char tmp[300];
			if (d->num_tempfail < 16) {
				d->tempfail[d->num_tempfail++] = strdup(
				    vec_span_str(tmp, sizeof(tmp), name));
			}
			continue;
		}
		put_name(&zone, name);
		put_txt(&zone, rdata);
	}
	struct zone_error err = { 0, NULL };
	bool ok = !zone.failed &&
	    zone_add_text(d->zone, span_make(zone.p, zone.len), &err);
	if (!ok) {
		fprintf(stderr, "zone reader rejected test DNS: line %zu: %s\n",
		    err.line, err.what != NULL ? err.what : "?");
	}
	outbuf_free(&zone);
	return ok;
}

bool
vec_tsv_next(struct vec_tsv *t, struct span *fields, size_t max, size_t *num)
{
	while (t->rest.len > 0) {
		size_t nl = span_find(t->rest, '\n');
		struct span line = span_sub(t->rest, 0, nl);
		(void)span_skip(&t->rest, nl == t->rest.len ? nl : nl + 1);
		if (line.len > 0 && line.p[line.len - 1] == '\r') {
			line.len--;
		}
		if (line.len == 0 || line.p[0] == '#') {
			continue;
		}
		size_t n = 0;
		for (;;) {
			size_t tab = span_find(line, '\t');
			if (n < max) {
				fields[n++] = span_sub(line, 0, tab);
			}
			if (tab == line.len) {
				break;
			}
			(void)span_skip(&line, tab + 1);
		}
		if (span_eq(fields[0], SPAN_LIT("file"))) {
			continue;
		}
		*num = n;
		return true;
	}
	return false;
}

const char *
vec_span_str(char *buf, size_t cap, struct span s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	memcpy(buf, s.p, n);
	buf[n] = '\0';
	return buf;
}

void
vec_verify(struct vec_result *r, struct dkim_verifier *v, struct arena *a,
    const struct dns_view *dns, const uint8_t *p, size_t len, int64_t now)
{
	struct msg m;
	arena_reset(a);
	memset(r, 0, sizeof(*r));
	if (msg_parse(&m, a, p, len) != MSG_OK) {
		return;
	}
	r->parsed = dkim_verify(v, &r->out, &m, dns, now, a);
}

const char *
vec_render(char *buf, size_t cap, const struct dkim_result *r)
{
	if (r->verdict == AUTH_PASS) {
		snprintf(buf, cap, "pass");
	} else if (r->crypto_checked) {
		snprintf(buf, cap, "%s/%s+%s", auth_verdict_str(r->verdict),
		    dkim_reason_code(r->reason),
		    r->crypto_ok ? "pass" : "fail");
	} else {
		snprintf(buf, cap, "%s/%s", auth_verdict_str(r->verdict),
		    dkim_reason_code(r->reason));
	}
	return buf;
}
