/*
 * authres.c - RFC 8601 Authentication-Results payloads (see authres.h).
 */
#include "auth/authres.h"

#include <string.h>

/* AUTHRES_MAX_COMMENT_DEPTH bounds nested comments. */
#define AUTHRES_MAX_COMMENT_DEPTH 32

/* AUTHRES_MAX_VERSION_DIGITS bounds a version number. */
#define AUTHRES_MAX_VERSION_DIGITS 9

struct lexer {
	struct span in;
	const char *err;
};

static bool
fail(struct lexer *l, const char *why)
{
	if (l->err == NULL) {
		l->err = why;
	}
	return false;
}

static bool
is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* skip_cfws skips white space, line folds and comments (RFC 5322 §3.2.2). */
static bool
skip_cfws(struct lexer *l)
{
	for (;;) {
		while (l->in.len > 0 && is_wsp(l->in.p[0])) {
			(void)span_skip(&l->in, 1);
		}
		if (l->in.len == 0 || l->in.p[0] != '(') {
			return true;
		}
		int depth = 0;
		do {
			uint8_t c = l->in.p[0];
			if (c == '\\' && l->in.len > 1) {
				(void)span_skip(&l->in, 2);
				continue;
			}
			if (c == '(' && ++depth > AUTHRES_MAX_COMMENT_DEPTH) {
				return fail(l, "comments nested too deep");
			}
			if (c == ')') {
				depth--;
			}
			(void)span_skip(&l->in, 1);
		} while (depth > 0 && l->in.len > 0);
		if (depth > 0) {
			return fail(l, "unterminated comment");
		}
	}
}

static bool
peek(const struct lexer *l, uint8_t c)
{
	return l->in.len > 0 && l->in.p[0] == c;
}

static bool
expect(struct lexer *l, uint8_t c, const char *why)
{
	if (!skip_cfws(l)) {
		return false;
	}
	if (!peek(l, c)) {
		return fail(l, why);
	}
	(void)span_skip(&l->in, 1);
	return skip_cfws(l);
}

static bool
is_keyword_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* keyword reads a Keyword (RFC 8601 §2.2: letters, digits, hyphens). */
static bool
keyword(struct lexer *l, struct span *out, const char *why)
{
	size_t n = 0;
	while (n < l->in.len && is_keyword_char(l->in.p[n])) {
		n++;
	}
	if (n == 0) {
		return fail(l, why);
	}
	(void)span_get_bytes(&l->in, out, n);
	return true;
}

static bool
is_tspecial(uint8_t c)
{
	/* RFC 2045 §5.1. */
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '@' ||
	    c == ',' || c == ';' || c == ':' || c == '\\' || c == '"' ||
	    c == '/' || c == '[' || c == ']' || c == '?' || c == '=';
}

/* quoted reads a quoted-string, quotes included. */
static bool
quoted(struct lexer *l, struct span *out)
{
	size_t n = 1;
	while (n < l->in.len && l->in.p[n] != '"') {
		n += l->in.p[n] == '\\' && n + 1 < l->in.len ? 2 : 1;
	}
	if (n >= l->in.len) {
		return fail(l, "unterminated quoted string");
	}
	(void)span_get_bytes(&l->in, out, n + 1);
	return true;
}

/* value reads a token or quoted-string (RFC 2045 §5.1). */
static bool
value(struct lexer *l, struct span *out, const char *why)
{
	if (peek(l, '"')) {
		return quoted(l, out);
	}
	size_t n = 0;
	while (n < l->in.len && l->in.p[n] > 0x20 && l->in.p[n] < 0x7f &&
	    !is_tspecial(l->in.p[n])) {
		n++;
	}
	if (n == 0) {
		return fail(l, why);
	}
	(void)span_get_bytes(&l->in, out, n);
	return true;
}

/* pvalue reads a property value: a value, or [[local-part] "@"]
 * domain-name, up to white space, a comment or ";". */
static bool
pvalue(struct lexer *l, struct span *out)
{
	if (peek(l, '"')) {
		struct span q;
		if (!quoted(l, &q)) {
			return false;
		}
		/* A quoted local part may go on: "a b"@example.com. */
		size_t n = 0;
		while (n < l->in.len && !is_wsp(l->in.p[n]) &&
		    l->in.p[n] != ';' && l->in.p[n] != '(') {
			n++;
		}
		*out = span_make(q.p, q.len + n);
		(void)span_skip(&l->in, n);
		return true;
	}
	/* A token, or [[local-part] "@"] domain-name: token bytes and "@"
	 * ("." is not a tspecial); also "/" and "=", which base64 values
	 * such as header.b (RFC 6008) hold. */
	size_t n = 0;
	while (n < l->in.len && l->in.p[n] > 0x20 && l->in.p[n] < 0x7f &&
	    (!is_tspecial(l->in.p[n]) || l->in.p[n] == '@' ||
	        l->in.p[n] == '/' || l->in.p[n] == '=')) {
		n++;
	}
	(void)span_get_bytes(&l->in, out, n);
	return true;
}

static bool
version(struct lexer *l, unsigned *out)
{
	uint64_t v = 0;
	size_t n = 0;
	while (n < l->in.len && span_is_digit(l->in.p[n])) {
		if (n == AUTHRES_MAX_VERSION_DIGITS) {
			return fail(l, "version number too long");
		}
		v = v * 10 + (uint64_t)(l->in.p[n] - '0');
		n++;
	}
	if (n == 0) {
		return fail(l, "version is not a number");
	}
	(void)span_skip(&l->in, n);
	*out = (unsigned)v;
	return true;
}

/* resinfo reads one result after its ";". */
static bool
resinfo(struct lexer *l, struct authres_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!keyword(l, &r->method, "no method") || !skip_cfws(l)) {
		return false;
	}
	if (peek(l, '/')) {
		(void)span_skip(&l->in, 1);
		if (!skip_cfws(l) || !version(l, &r->version)) {
			return false;
		}
	}
	if (!expect(l, '=', "no \"=\" after the method") ||
	    !keyword(l, &r->result, "no result") || !skip_cfws(l)) {
		return false;
	}
	while (l->in.len > 0 && !peek(l, ';')) {
		struct span k;
		if (!keyword(l, &k, "not a reason or property") ||
		    !skip_cfws(l)) {
			return false;
		}
		if (span_eq_icase_lit(k, "reason") && peek(l, '=')) {
			if (r->reason.len > 0 || r->num_props > 0) {
				return fail(l, "reason out of place");
			}
			if (!expect(l, '=', "no \"=\" after reason") ||
			    !value(l, &r->reason, "no reason text")) {
				return false;
			}
		} else {
			if (r->num_props == AUTHRES_MAX_PROPS) {
				return fail(l, "too many properties");
			}
			struct authres_prop *p = &r->props[r->num_props++];
			if (peek(l, '=')) {
				/* "version=TLSv1.2": no ptype.  RFC 8601
				 * §2.2 wants ptype "." property, but
				 * receivers write these (x-tls); kept with
				 * an empty ptype rather than losing the
				 * whole field. */
				p->ptype = span_empty();
				p->property = k;
			} else {
				p->ptype = k;
				if (!expect(l, '.', "no \".\" in a property") ||
				    !keyword(
				        l, &p->property, "no property name")) {
					return false;
				}
			}
			if (!expect(l, '=', "no \"=\" after a property") ||
			    !pvalue(l, &p->value)) {
				return false;
			}
		}
		if (!skip_cfws(l)) {
			return false;
		}
	}
	return true;
}

bool
authres_parse(
    struct authres *out, struct span payload, struct arena *a, const char **why)
{
	struct lexer l = { payload, NULL };
	memset(out, 0, sizeof(*out));
	bool ok = skip_cfws(&l) &&
	    value(&l, &out->authserv_id, "no authserv-id") && skip_cfws(&l);
	if (ok && l.in.len > 0 && span_is_digit(l.in.p[0])) {
		ok = version(&l, &out->version) && skip_cfws(&l);
	}
	if (ok && l.in.len == 0) {
		ok = fail(&l, "no result and no \"none\"");
	}
	while (ok && l.in.len > 0) {
		ok = expect(&l, ';', "results must follow \";\"");
		if (!ok) {
			break;
		}
		if (l.in.len == 0) {
			break; /* a trailing ";" */
		}
		struct span save = l.in, k;
		if (keyword(&l, &k, "no method") &&
		    span_eq_icase_lit(k, "none") && skip_cfws(&l) &&
		    (l.in.len == 0 || peek(&l, ';'))) {
			out->none = true;
			continue;
		}
		l.in = save;
		l.err = NULL;
		if (out->num_results == AUTHRES_MAX_RESULTS) {
			ok = fail(&l, "too many results");
			break;
		}
		if (out->results == NULL) {
			out->results = arena_calloc(
			    a, AUTHRES_MAX_RESULTS, sizeof(*out->results));
			if (out->results == NULL) {
				ok = fail(&l, "out of memory");
				break;
			}
		}
		ok = resinfo(&l, &out->results[out->num_results]);
		out->num_results += ok;
	}
	if (ok && out->none && out->num_results > 0) {
		ok = fail(&l, "\"none\" beside results");
	}
	if (!ok) {
		*why = l.err != NULL ? l.err : "syntax error";
	}
	return ok;
}

struct span
authres_find(
    const struct authres_result *r, const char *ptype, const char *property)
{
	for (size_t i = 0; i < r->num_props; i++) {
		if (span_eq_icase_lit(r->props[i].ptype, ptype) &&
		    span_eq_icase_lit(r->props[i].property, property)) {
			return r->props[i].value;
		}
	}
	return span_empty();
}
