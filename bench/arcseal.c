/*
 * arcseal.c - adds ARC sets to every message of a maildir, for the ARC
 * benchmark (bench/arc.sh): an ARC-heavy copy of a generated corpus.
 *
 *     arcseal KEY.pem IN_MAILDIR OUT_MAILDIR
 *
 * Every message in IN_MAILDIR/cur and IN_MAILDIR/new gets one ARC set
 * (i=1, as a mailing list adds it), and every second one a second set
 * (i=2), sealed with KEY as d=example.com s=k2048a, which the corpus's
 * keys.zone publishes: the AMS is relaxed/relaxed over
 * from:to:subject:date:message-id and its own AAR.  Files keep their names;
 * OUT_MAILDIR must not exist.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/arc.h"
#include "canon/arena.h"
#include "crypto/sign.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	size_t cap = 1 << 16, n = 0, k;
	char *p = malloc(cap);
	while (p != NULL && (k = fread(p + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			char *q = realloc(p, cap *= 2);
			if (q == NULL) {
				free(p);
				p = NULL;
			}
			p = q;
		}
	}
	fclose(f);
	*len = n;
	return p;
}

static int
seal_dir(const struct privkey *key, const char *in, const char *out,
    struct digest *d, struct arena *a, unsigned long *count)
{
	DIR *dir = opendir(in);
	if (dir == NULL) {
		return errno == ENOENT ? 0 : -1;
	}
	if (mkdir(out, 0755) != 0) {
		closedir(dir);
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.') {
			continue;
		}
		char ip[8192], op[8192];
		snprintf(ip, sizeof(ip), "%s/%s", in, de->d_name);
		snprintf(op, sizeof(op), "%s/%s", out, de->d_name);
		size_t len;
		char *text = slurp(ip, &len);
		if (text == NULL) {
			closedir(dir);
			return -1;
		}
		struct span cur = span_make(text, len);
		unsigned hops = *count % 2 == 0 ? 2 : 1;
		arena_reset(a);
		for (unsigned i = 1; i <= hops; i++) {
			struct arc_seal_params p = {
				.key = key,
				.alg = DKIM_ALG_RSA_SHA256,
				.d = SPAN_LIT("example.com"),
				.s = SPAN_LIT("k2048a"),
				.h = SPAN_LIT("from:to:subject:date:message-id:"
				              "arc-authentication-results"),
				.authserv_id = i == 1 ? SPAN_LIT("lists.example.org")
				                      : SPAN_LIT("mx.example.net"),
				.results = i == 1 ? SPAN_LIT("dkim=pass header.d=example.com")
				                  : SPAN_LIT("arc=pass"),
				.t = 1751364000 + i,
				.i = i,
			};
			struct span set;
			if (!arc_seal(&set, d, cur, &p, a)) {
				fprintf(stderr, "arcseal: %s: cannot seal\n", ip);
				closedir(dir);
				free(text);
				return -1;
			}
			uint8_t *both = arena_alloc(a, set.len + cur.len);
			memcpy(both, set.p, set.len);
			memcpy(both + set.len, cur.p, cur.len);
			cur = span_make(both, set.len + cur.len);
		}
		FILE *f = fopen(op, "wb");
		if (f == NULL || fwrite(cur.p, 1, cur.len, f) != cur.len ||
		    fclose(f) != 0) {
			closedir(dir);
			free(text);
			return -1;
		}
		free(text);
		(*count)++;
	}
	closedir(dir);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: arcseal KEY.pem IN_MAILDIR OUT_MAILDIR\n");
		return 2;
	}
	size_t len;
	char *pem = slurp(argv[1], &len);
	struct privkey *key = NULL;
	if (!crypto_init() || pem == NULL ||
	    !privkey_from_pem(&key, span_make(pem, len))) {
		fprintf(stderr, "arcseal: %s: not a private key\n", argv[1]);
		return 1;
	}
	struct digest d;
	struct arena a;
	arena_init(&a, (size_t)1 << 20);
	if (!digest_init(&d) || mkdir(argv[3], 0755) != 0) {
		fprintf(stderr, "arcseal: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	unsigned long count = 0;
	static const char *const sub[] = { "cur", "new", "tmp" };
	for (size_t i = 0; i < 3; i++) {
		char in[4096], out[4096];
		snprintf(in, sizeof(in), "%s/%s", argv[2], sub[i]);
		snprintf(out, sizeof(out), "%s/%s", argv[3], sub[i]);
		if (seal_dir(key, in, out, &d, &a, &count) != 0) {
			fprintf(stderr, "arcseal: %s: %s\n", in, strerror(errno));
			return 1;
		}
	}
	printf("%lu messages sealed\n", count);
	digest_cleanup(&d);
	arena_cleanup(&a);
	privkey_free(key);
	free(pem);
	crypto_cleanup();
	return 0;
}
