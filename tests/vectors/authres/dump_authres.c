/*
 * dump_authres.c - the RFC 8601 parser (auth/authres.c) as a filter for
 * the Authentication-Results conformance check (check_authres.py): each
 * line of standard input is a header field (its name optional), and each
 * line of output is what authres_parse made of it, as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/authres.h"

static void
json_span(struct span s)
{
	putchar('"');
	for (size_t i = 0; i < s.len; i++) {
		unsigned c = s.p[i];
		if (c == '"' || c == '\\') {
			printf("\\%c", (int)c);
		} else if (c < 0x20 || c >= 0x7f) {
			printf("\\u%04x", c);
		} else {
			putchar((int)c);
		}
	}
	putchar('"');
}

int
main(void)
{
	static char line[65536];
	struct arena a;
	arena_init(&a, (size_t)1 << 20);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n = strlen(line);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
			line[--n] = '\0';
		}
		/* The literal "\n" in the vectors' folded inputs: a fold. */
		for (char *p = line; (p = strstr(p, "\\n")) != NULL;) {
			p[0] = '\r';
			p[1] = '\n';
		}
		struct span v = span_make(line, n);
		const char *colon = memchr(line, ':', n);
		static const char name[] = "Authentication-Results:";
		if (colon != NULL && n >= sizeof(name) - 1 &&
		    strncasecmp(line, name, sizeof(name) - 1) == 0) {
			v = span_make(colon + 1, n - (size_t)(colon + 1 - line));
		}
		arena_reset(&a);
		struct authres ar;
		const char *why = NULL;
		if (!authres_parse(&ar, v, &a, &why)) {
			printf("{\"ok\":false,\"why\":");
			json_span(span_make(why, strlen(why)));
			printf("}\n");
			continue;
		}
		printf("{\"ok\":true,\"authserv_id\":");
		json_span(ar.authserv_id);
		printf(",\"version\":%u,\"none\":%s,\"results\":[", ar.version,
		    ar.none ? "true" : "false");
		for (size_t i = 0; i < ar.num_results; i++) {
			const struct authres_result *r = &ar.results[i];
			printf("%s{\"method\":", i ? "," : "");
			json_span(r->method);
			printf(",\"version\":%u,\"result\":", r->version);
			json_span(r->result);
			printf(",\"reason\":");
			if (r->reason.p != NULL) {
				json_span(r->reason);
			} else {
				printf("null");
			}
			printf(",\"props\":[");
			for (size_t j = 0; j < r->num_props; j++) {
				printf("%s[", j ? "," : "");
				json_span(r->props[j].ptype);
				putchar(',');
				json_span(r->props[j].property);
				putchar(',');
				json_span(r->props[j].value);
				putchar(']');
			}
			printf("]}");
		}
		printf("]}\n");
	}
	arena_cleanup(&a);
	return 0;
}
