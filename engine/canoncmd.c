/*
 * canoncmd.c - `authsweep canon`: the canonical bytes of one message, the
 * tool to reach for when two implementations disagree (issue 7).
 *
 *   authsweep canon [--c H/B] [--sig N] [--raw header|body] FILE
 *
 * For each header and body canonicalization (or the one --c names) it
 * prints the bytes that are hashed: the header fields a DKIM-Signature's
 * h= selects, bottom-up, then that signature field with its b= value
 * removed (the signature is the Nth from the top, --sig N; the first by
 * default; --sig 0, or a message without one, shows every field), and the
 * canonical body with its length and its body hash (SHA-256 and SHA-1,
 * base64 as in bh=), saying whether the signature's bh= matches and, when
 * it does not, which known mistake (auth/diagnose.c) it matches.
 * --raw prints only the bytes of one part, for piping into sha256sum or
 * xxd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/dkim.h"
#include "canon/arena.h"
#include "canon/bodycanon.h"
#include "canon/hdrcanon.h"
#include "canon/limits.h"
#include "canon/msg.h"
#include "crypto/b64.h"
#include "crypto/digest.h"
#include "engine/run.h"

static void
out_write(void *ctx, const uint8_t *p, size_t n)
{
	FILE *f = ctx;
	fwrite(p, 1, n, f);
}

/* read_all reads |path| ("-": standard input) into a malloc'd buffer. */
static int
read_all(const char *path, uint8_t **out, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	int err = 0;
	for (;;) {
		if (buf == NULL) {
			err = -ENOMEM;
			break;
		}
		if (n == cap) {
			if (cap >= MSG_MAX_BYTES) {
				err = -EFBIG;
				break;
			}
			cap *= 2;
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
	}
	if (fd != 0) {
		close(fd);
	}
	if (err != 0) {
		free(buf);
		return err;
	}
	*out = buf;
	*len = n;
	return 0;
}

static bool
parse_mode(const char *s, size_t n, enum canon_mode *m)
{
	if (n == 6 && memcmp(s, "simple", 6) == 0) {
		*m = CANON_SIMPLE;
		return true;
	}
	if (n == 7 && memcmp(s, "relaxed", 7) == 0) {
		*m = CANON_RELAXED;
		return true;
	}
	return false;
}

static void
print_b64(FILE *f, const uint8_t *p, size_t n)
{
	char b[128];
	b[b64_encode(b, p, n)] = '\0';
	fputs(b, f);
}

struct canon_args {
	bool have_c;
	enum canon_mode hc, bc;
	long sig;        /* 1-based; 0: none */
	const char *raw; /* NULL, "header" or "body" */
	const char *file;
};

static int
usage(const char *why)
{
	fprintf(stderr,
	    "authsweep canon: %s (usage: authsweep canon [--c H/B] [--sig N] "
	    "[--raw header|body] FILE)\n",
	    why);
	return RUN_EXIT_USAGE;
}

static int
parse_args(struct canon_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->sig = 1;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			puts(
			    "usage: authsweep canon [--c H/B] [--sig N] [--raw "
			    "header|body] FILE\n"
			    "  --c H/B      one canonicalization, as in c= (H "
			    "alone means H/simple)\n"
			    "  --sig N      the Nth DKIM-Signature from the "
			    "top "
			    "picks the header fields\n"
			    "               (default 1; 0: every field)\n"
			    "  --raw PART   print only the canonical bytes of "
			    "header or body (needs --c)\n"
			    "  FILE         a message file, or - for standard "
			    "input");
			return -1;
		}
		if (i + 1 >= argc &&
		    (strcmp(o, "--c") == 0 || strcmp(o, "--sig") == 0 ||
		        strcmp(o, "--raw") == 0)) {
			return usage("an option wants a value");
		}
		if (strcmp(o, "--c") == 0) {
			const char *v = argv[++i];
			const char *slash = strchr(v, '/');
			size_t hl =
			    slash != NULL ? (size_t)(slash - v) : strlen(v);
			a->bc = CANON_SIMPLE;
			if (!parse_mode(v, hl, &a->hc) ||
			    (slash != NULL &&
			        !parse_mode(
			            slash + 1, strlen(slash + 1), &a->bc))) {
				return usage(
				    "--c wants simple or relaxed, as H/B");
			}
			a->have_c = true;
		} else if (strcmp(o, "--sig") == 0) {
			char *end;
			a->sig = strtol(argv[++i], &end, 10);
			if (*end != '\0' || a->sig < 0 || a->sig > 1000) {
				return usage("--sig wants a number from 0");
			}
		} else if (strcmp(o, "--raw") == 0) {
			a->raw = argv[++i];
			if (strcmp(a->raw, "header") != 0 &&
			    strcmp(a->raw, "body") != 0) {
				return usage("--raw wants header or body");
			}
		} else if (o[0] == '-' && o[1] != '\0') {
			return usage("unknown option");
		} else if (a->file != NULL) {
			return usage("one FILE only");
		} else {
			a->file = o;
		}
	}
	if (a->file == NULL) {
		return usage("a FILE is needed");
	}
	if (a->raw != NULL && !a->have_c) {
		return usage("--raw needs --c");
	}
	return 0;
}

/* header_part writes the canonical header bytes under |hc|. */
static bool
header_part(FILE *f, enum canon_mode hc, const struct msg *m,
    const struct dkim_sig *sig, const struct msg_field *nob, struct arena *a)
{
	struct byte_sink sink = { out_write, f };
	if (sig != NULL) {
		return dkim_canon_headers(
		    &sink, hc, m, sig->h, sig->num_h, nob, a);
	}
	for (size_t i = 0; i < m->num_fields; i++) {
		hdrcanon_field(&sink, hc, &m->fields[i]);
		byte_sink_write(&sink, "\r\n", 2);
	}
	return true;
}

static void
body_report(FILE *f, enum canon_mode bc, const struct msg *m,
    const struct dkim_sig *sig, struct digest *d)
{
	uint8_t h[DIGEST_MAX_BYTES];
	size_t hl;
	uint64_t len = 0;
	fprintf(f, "== body %s:", bc == CANON_SIMPLE ? "simple" : "relaxed");
	static const char *const names[] = { "sha1", "sha256" };
	bool match = false;
	for (int alg = DIGEST_SHA256; alg >= DIGEST_SHA1; alg--) {
		if (dkim_hash_body(d, (enum digest_alg)alg, bc, UINT64_MAX,
		        m->body, h, &hl, &len)) {
			fprintf(f, " %s bh=", names[alg]);
			print_b64(f, h, hl);
			fputc(alg == DIGEST_SHA256 ? ',' : ';', f);
			if (sig != NULL && sig->hash == (enum digest_alg)alg &&
			    !sig->has_l && sig->bh_len == hl &&
			    memcmp(sig->bh, h, hl) == 0) {
				match = true;
			}
		}
	}
	fprintf(f, " %llu bytes", (unsigned long long)len);
	if (sig != NULL && sig->has_l &&
	    dkim_hash_body(d, sig->hash, bc, sig->l, m->body, h, &hl, &len)) {
		fprintf(f, "; the first l=%llu: ", (unsigned long long)sig->l);
		print_b64(f, h, hl);
		match = sig->l <= len && sig->bh_len == hl &&
		    memcmp(sig->bh, h, hl) == 0;
	}
	if (sig != NULL && sig->bcanon == bc) {
		fprintf(f, "; the signature's bh= %s",
		    match ? "matches" : "does not match");
		if (!match) {
			uint64_t bytes = 0;
			enum dkim_diag g =
			    dkim_diagnose_body(sig, m->body, len, &bytes);
			if (g != DKIM_DIAG_NONE) {
				fprintf(f, " (diagnosis %s", dkim_diag_code(g));
				if (g == DKIM_DIAG_BODY_APPENDED) {
					fprintf(f, ", %llu bytes appended",
					    (unsigned long long)bytes);
				}
				fputc(')', f);
			}
		}
	}
	fputc('\n', f);
}

int
cmd_canon(int argc, char **argv)
{
	struct canon_args a;
	int rc = parse_args(&a, argc, argv);
	if (rc != 0) {
		return rc < 0 ? RUN_EXIT_OK : rc;
	}
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = read_all(a.file, &buf, &len);
	if (err != 0) {
		fprintf(stderr, "authsweep canon: %s: %s\n", a.file,
		    strerror(-err));
		return RUN_EXIT_IO;
	}
	struct arena ar;
	arena_init(&ar, 1 << 16);
	struct msg m;
	enum msg_status ms = msg_parse(&m, &ar, buf, len);
	struct digest d;
	bool dig = crypto_init() && digest_init(&d);
	rc = RUN_EXIT_OK;
	if (ms != MSG_OK || !dig) {
		fprintf(stderr, "authsweep canon: %s: %s\n", a.file,
		    ms != MSG_OK ? msg_status_str(ms) : "out of memory");
		rc = RUN_EXIT_IO;
		goto out;
	}
	/* The signature that picks the fields. */
	struct dkim_sig *sig = NULL;
	struct msg_field nob;
	static const struct span dkim_name = {
		(const uint8_t *)"DKIM-Signature", 14
	};
	long seen = 0;
	for (size_t i = 0; i < m.num_fields && a.sig > 0; i++) {
		if (!msg_field_is(&m.fields[i], dkim_name) || ++seen != a.sig) {
			continue;
		}
		sig = arena_alloc(&ar, sizeof(*sig));
		if (sig == NULL ||
		    dkim_sig_parse(sig, &ar, &m.fields[i],
		        &dkim_signature_rules) != DKIM_R_OK ||
		    !dkim_field_without_b(
		        &nob, &ar, &m.fields[i], sig->b_region)) {
			fprintf(stderr,
			    "authsweep canon: DKIM-Signature %ld does not "
			    "parse; showing every field\n",
			    a.sig);
			sig = NULL;
		}
		break;
	}
	if (a.sig > 0 && seen < a.sig && seen > 0) {
		fprintf(stderr,
		    "authsweep canon: the message has %ld "
		    "DKIM-Signature fields\n",
		    seen);
		rc = RUN_EXIT_USAGE;
		goto out;
	}
	for (int part = 0; part < 2; part++) {
		for (int mode = CANON_SIMPLE; mode <= CANON_RELAXED; mode++) {
			enum canon_mode want = part == 0 ? a.hc : a.bc;
			if (a.have_c && (enum canon_mode)mode != want) {
				continue;
			}
			const char *pname = part == 0 ? "header" : "body";
			if (a.raw != NULL && strcmp(a.raw, pname) != 0) {
				continue;
			}
			const char *mname =
			    mode == CANON_SIMPLE ? "simple" : "relaxed";
			if (part == 0) {
				if (a.raw == NULL) {
					printf("== header %s: ", mname);
					if (sig != NULL) {
						printf(
						    "the fields h= of "
						    "DKIM-Signature %ld "
						    "picks, then it without "
						    "b=, as hashed (no final "
						    "CRLF)\n",
						    a.sig);
					} else {
						printf("every field\n");
					}
				}
				if (!header_part(stdout, (enum canon_mode)mode,
				        &m, sig, &nob, &ar)) {
					rc = RUN_EXIT_IO;
					goto out;
				}
			} else {
				if (a.raw == NULL) {
					body_report(stdout,
					    (enum canon_mode)mode, &m, sig, &d);
				}
				struct byte_sink sink = { out_write, stdout };
				bodycanon_span(
				    (enum canon_mode)mode, sink, m.body);
			}
			if (a.raw == NULL) {
				printf("\n== end %s %s\n", pname, mname);
			}
		}
	}
	if (fflush(stdout) != 0) {
		rc = RUN_EXIT_IO;
	}
out:
	if (dig) {
		digest_cleanup(&d);
	}
	arena_cleanup(&ar);
	free(buf);
	return rc;
}
