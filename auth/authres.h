/*
 * authres.h - Authentication-Results payloads (RFC 8601 §2.2), as in an
 * Authentication-Results field or an ARC-Authentication-Results field
 * after its "i=N;" (RFC 8617 §4.1.1).
 *
 *   authres-payload = [CFWS] authserv-id [CFWS authres-version]
 *                     ( no-result / 1*resinfo ) [CFWS]
 *   resinfo  = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
 *   methodspec = method ["/" version] "=" result
 *   reasonspec = "reason" "=" value
 *   propspec = ptype "." property "=" pvalue
 *
 * Comments (nested, with quoted pairs) and folding white space may stand
 * wherever CFWS may; they are dropped.  Quoted strings keep their quotes
 * in the spans (the caller unquotes if it needs to).  Every span points
 * into the parsed value.
 */
#ifndef AUTHSWEEP_AUTH_AUTHRES_H
#define AUTHSWEEP_AUTH_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

#include "canon/arena.h"
#include "canon/span.h"

/* AUTHRES_MAX_RESULTS and AUTHRES_MAX_PROPS bound one payload: more than a
 * receiver writes (a few methods, a handful of properties each). */
#define AUTHRES_MAX_RESULTS 32
#define AUTHRES_MAX_PROPS 16

struct authres_prop {
	struct span ptype;    /* "smtp", "header", "body", "policy", ... */
	struct span property; /* "mailfrom", "d", "from", ... */
	struct span value;
};

struct authres_result {
	struct span method; /* "dkim", "spf", "dmarc", "arc", ... */
	unsigned version;   /* 0 when not given */
	struct span result; /* "pass", "fail", ... */
	struct span reason; /* empty when absent */
	struct authres_prop props[AUTHRES_MAX_PROPS];
	size_t num_props;
};

struct authres {
	struct span authserv_id;
	unsigned version;               /* 0 when not given */
	bool none;                      /* "; none" */
	struct authres_result *results; /* arena memory */
	size_t num_results;
};

/* authres_parse parses |payload| into |out| with its results in |a|.  It
 * returns false, with a static English reason in |*why|, when the payload
 * does not follow RFC 8601 §2.2 or exceeds the bounds above. */
bool authres_parse(struct authres *out, struct span payload, struct arena *a,
    const char **why);

/* authres_find returns the value of property ptype.property of |r|, or an
 * empty span. */
struct span authres_find(
    const struct authres_result *r, const char *ptype, const char *property);

#endif /* AUTHSWEEP_AUTH_AUTHRES_H */
