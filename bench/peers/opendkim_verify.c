/*
 * bench/peers/opendkim_verify.c - OpenDKIM's libopendkim (Debian 12:
 * libopendkim-dev, 2.11.0~beta2) as a peer of authsweep, for
 * bench/peers/run.sh.
 *
 *   opendkim_verify [--now UNIXTIME] KEYS.TXT [PATH...]
 *
 * Verifies every DKIM-Signature of each message file named on the command
 * line or, without PATH, one per line on standard input.  Keys come from
 * KEYS.TXT (bench/peers/zonekeys.py: "<name> <TXT value>" per line), held
 * in memory and handed to the library through its key lookup callback
 * (dkim_set_key_lookup), so no DNS is asked and no file is read per
 * lookup.  --now fixes the time the library judges t= and x= against
 * (DKIM_OPTS_FIXEDTIME); without it the library reads the clock.
 *
 * One line per message, TAB-separated (bench/README.md, "Peers, side by
 * side"):
 *
 *   PATH  VERDICT,D,S,DETAIL  ...       one field per signature, top first
 *   PATH  !error,,,DETAIL               the library refused the message
 *
 * VERDICT is pass, fail (DETAIL bh or sig), nokey, revoked, expired,
 * future, policy (DETAIL key-small), unsupported, invalid, temperror or
 * error.  The library runs with its defaults (it verifies every signature,
 * refuses RSA keys under 1024 bits, accepts rsa-sha1) plus
 * DKIM_LIBFLAGS_FIXCRLF, which turns the bare LF of LF-stored messages into
 * CRLF as dkim_chunk() reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <dkim.h>

struct key {
	char *name; /* lower case, no final dot */
	char *value;
	size_t value_len;
};

static struct key *keys;
static size_t nkeys;

static void
die(const char *what)
{
	fprintf(stderr, "opendkim_verify: %s\n", what);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		die("out of memory");
	}
	return q;
}

/* Reads the whole of FD into *BUF (grown as needed), its length to *LEN. */
static bool
read_all(int fd, unsigned char **buf, size_t *cap, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		return false;
	}
	if (st.st_size >= 0 && (uintmax_t)st.st_size + 1 > *cap) {
		*cap = (size_t)st.st_size + 1;
		*buf = xrealloc(*buf, *cap);
	}
	*len = 0;
	for (;;) {
		if (*len == *cap) {
			*cap = *cap * 2 + 4096;
			*buf = xrealloc(*buf, *cap);
		}
		ssize_t n = read(fd, *buf + *len, *cap - *len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return false;
		}
		if (n == 0) {
			return true;
		}
		*len += (size_t)n;
	}
}

/* KEYS.TXT: "<name> <value>" per line; names are compared without case. */
static void
load_keys(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *text = NULL;
	size_t cap = 0, len = 0;

	if (fd < 0 || !read_all(fd, &text, &cap, &len)) {
		die("cannot read the keys file");
	}
	close(fd);
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && text[end] != '\n') {
			end++;
		}
		size_t sp = i;
		while (sp < end && text[sp] != ' ') {
			sp++;
		}
		if (sp > i && sp < end) {
			keys = xrealloc(keys, (nkeys + 1) * sizeof *keys);
			struct key *k = &keys[nkeys++];
			k->name = strndup((const char *)text + i, sp - i);
			k->value_len = end - sp - 1;
			k->value =
			    strndup((const char *)text + sp + 1, k->value_len);
			if (k->name == NULL || k->value == NULL) {
				die("out of memory");
			}
		}
		i = end + 1;
	}
	free(text);
}

static DKIM_CBSTAT
key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	const char *sel = (const char *)dkim_sig_getselector(sig);
	const char *dom = (const char *)dkim_sig_getdomain(sig);
	char name[600];

	(void)dkim;
	if (sel == NULL || dom == NULL) {
		return DKIM_CBSTAT_NOTFOUND;
	}
	int n = snprintf(name, sizeof name, "%s._domainkey.%s", sel, dom);
	if (n < 0 || (size_t)n >= sizeof name) {
		return DKIM_CBSTAT_NOTFOUND;
	}
	if (n > 0 && name[n - 1] == '.') {
		name[n - 1] = '\0';
	}
	for (size_t i = 0; i < nkeys; i++) {
		if (strcasecmp(keys[i].name, name) != 0) {
			continue;
		}
		if (keys[i].value_len + 1 > buflen) {
			return DKIM_CBSTAT_ERROR;
		}
		memcpy(buf, keys[i].value, keys[i].value_len);
		buf[keys[i].value_len] = '\0';
		return DKIM_CBSTAT_CONTINUE;
	}
	return DKIM_CBSTAT_NOTFOUND;
}

/* Writes S with TAB, CR and LF turned into spaces. */
static void
put_clean(const char *s, FILE *out)
{
	for (; s != NULL && *s != '\0'; s++) {
		putc(*s == '\t' || *s == '\r' || *s == '\n' ? ' ' : *s, out);
	}
}

static void
put_sig(DKIM_SIGINFO *sig, FILE *out)
{
	unsigned int flags = dkim_sig_getflags(sig);
	int bh = dkim_sig_getbh(sig);
	int err = dkim_sig_geterror(sig);
	const char *verdict;
	const char *detail = "";

	if ((flags & DKIM_SIGFLAG_PASSED) != 0 && bh == DKIM_SIGBH_MATCH) {
		verdict = "pass";
	} else {
		switch (err) {
		case DKIM_SIGERROR_OK:
		case DKIM_SIGERROR_UNKNOWN:
		case DKIM_SIGERROR_BADSIG:
			if ((flags & DKIM_SIGFLAG_PROCESSED) == 0) {
				verdict = "error";
				detail = "not processed";
			} else if (bh == DKIM_SIGBH_MISMATCH) {
				verdict = "fail";
				detail = "bh";
			} else {
				verdict = "fail";
				detail = "sig";
			}
			break;
		case DKIM_SIGERROR_NOKEY:
			verdict = "nokey";
			break;
		case DKIM_SIGERROR_KEYREVOKED:
			verdict = "revoked";
			break;
		case DKIM_SIGERROR_EXPIRED:
			verdict = "expired";
			break;
		case DKIM_SIGERROR_FUTURE:
			verdict = "future";
			break;
		case DKIM_SIGERROR_KEYTOOSMALL:
			verdict = "policy";
			detail = "key-small";
			break;
		case DKIM_SIGERROR_KEYFAIL:
		case DKIM_SIGERROR_DNSSYNTAX:
		case DKIM_SIGERROR_MULTIREPLY:
			verdict = "temperror";
			detail = dkim_sig_geterrorstr(err);
			break;
		case DKIM_SIGERROR_INVALID_A:
		case DKIM_SIGERROR_KEYTYPEUNKNOWN:
		case DKIM_SIGERROR_KEYUNKNOWNHASH:
			verdict = "unsupported";
			detail = dkim_sig_geterrorstr(err);
			break;
		default:
			verdict = "invalid";
			detail = dkim_sig_geterrorstr(err);
			break;
		}
	}
	const char *d = (const char *)dkim_sig_getdomain(sig);
	const char *s = (const char *)dkim_sig_getselector(sig);
	fprintf(out, "\t%s,", verdict);
	put_clean(d != NULL ? d : "-", out);
	putc(',', out);
	put_clean(s != NULL ? s : "-", out);
	putc(',', out);
	put_clean(detail, out);
}

static void
verify_one(DKIM_LIB *lib, const char *path, unsigned char **buf, size_t *cap,
    FILE *out)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !read_all(fd, buf, cap, &len)) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
		}
		put_clean(path, out);
		fprintf(out, "\t!error,,,read: %s\n", strerror(e));
		return;
	}
	close(fd);

	DKIM_STAT st;
	DKIM *dkim = dkim_verify(lib, (const unsigned char *)path, NULL, &st);
	if (dkim == NULL) {
		put_clean(path, out);
		fprintf(
		    out, "\t!error,,,dkim_verify: %s\n", dkim_getresultstr(st));
		return;
	}
	st = dkim_chunk(dkim, *buf, len);
	if (st == DKIM_STAT_OK) {
		st = dkim_chunk(dkim, NULL, 0);
	}
	if (st == DKIM_STAT_OK) {
		st = dkim_eom(dkim, NULL);
	}
	DKIM_SIGINFO **sigs = NULL;
	int nsigs = 0;
	if (dkim_getsiglist(dkim, &sigs, &nsigs) != DKIM_STAT_OK) {
		nsigs = 0;
	}
	put_clean(path, out);
	if (nsigs == 0 && st != DKIM_STAT_OK && st != DKIM_STAT_NOSIG) {
		fprintf(out, "\t!error,,,%s: ", dkim_getresultstr(st));
		put_clean(dkim_geterror(dkim), out);
	}
	for (int i = 0; i < nsigs; i++) {
		put_sig(sigs[i], out);
	}
	putc('\n', out);
	dkim_free(dkim);
}

int
main(int argc, char **argv)
{
	int argi = 1;
	uint64_t now = 0;

	if (argc > 2 && strcmp(argv[1], "--now") == 0) {
		char *end;
		errno = 0;
		unsigned long long t = strtoull(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || end == argv[2]) {
			die("--now wants a unix time");
		}
		now = t;
		argi = 3;
	}
	if (argi >= argc) {
		fprintf(stderr,
		    "usage: opendkim_verify [--now UNIXTIME] "
		    "KEYS.TXT [PATH...] (paths on stdin without "
		    "PATH)\n");
		return 2;
	}
	load_keys(argv[argi++]);

	DKIM_LIB *lib = dkim_init(NULL, NULL);
	if (lib == NULL) {
		die("dkim_init failed");
	}
	uint32_t flags = DKIM_LIBFLAGS_FIXCRLF;
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	        sizeof flags) != DKIM_STAT_OK) {
		die("cannot set DKIM_LIBFLAGS_FIXCRLF");
	}
	if (now != 0 &&
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &now,
	        sizeof now) != DKIM_STAT_OK) {
		die("cannot set DKIM_OPTS_FIXEDTIME");
	}
	if (dkim_set_key_lookup(lib, key_lookup) != DKIM_STAT_OK) {
		die("cannot set the key lookup callback");
	}
	fprintf(stderr,
	    "opendkim_verify: libopendkim 0x%08" PRIx32 ", ed25519 %s, "
	    "%zu key records\n",
	    (uint32_t)dkim_libversion(),
	    dkim_libfeature(lib, DKIM_FEATURE_ED25519) ? "yes" : "no", nkeys);

	unsigned char *buf = NULL;
	size_t cap = 0;
	if (argi < argc) {
		for (; argi < argc; argi++) {
			verify_one(lib, argv[argi], &buf, &cap, stdout);
		}
	} else {
		char *line = NULL;
		size_t lcap = 0;
		ssize_t n;
		while ((n = getline(&line, &lcap, stdin)) > 0) {
			if (line[n - 1] == '\n') {
				line[--n] = '\0';
			}
			if (n > 0) {
				verify_one(lib, line, &buf, &cap, stdout);
			}
		}
		free(line);
	}
	free(buf);
	dkim_close(lib);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		die("cannot write the results");
	}
	return 0;
}
