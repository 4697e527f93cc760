/*
 * gen.c - corpusgen: command line, the per-message pipeline, the maildir
 * and the expectations file.
 *
 *   corpusgen --out DIR --count N --seed S [--keys-dir DIR] [--lf PERCENT]
 *             [--selectors N]
 *
 * For each message: draw a size (log-normal, median about 10 KB, capped
 * at 8 MB), write author fields and a body (text.c, header.c), plan the
 * signatures (plan.c), sign them oldest first with relay Received fields
 * in between (sign.c), apply the faults, add the remaining Received
 * fields (newest on top, as real mail has them) and Return-Path, and store
 * the message with CRLF or, for --lf percent of them, LF line endings.
 * The message's arrival time is its newest Received date; expectations
 * are verdicts at that time.
 *
 * Message |seq| draws from its own random stream (seed, seq), and storage
 * choices (line endings, cur/ or new/, flags) from a second one, so a
 * message does not depend on the messages before it and --lf changes
 * nothing but line endings.  The exception is --selectors N, which gives
 * the signatures N numbered selector names in the order they are needed
 * (selpool.c); the zone file, written last, publishes those too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "canon/msg.h"
#include "corpus/gen/gen.h"

/* GEN_MAX_COUNT bounds --count; the file names pad to 6 digits and grow
 * beyond that, so the bound only guards against typing mistakes. */
#define GEN_MAX_COUNT 100000000ULL

/* GEN_MAX_SIZE caps one message (the long tail of the size
 * distribution). */
#define GEN_MAX_SIZE (8u << 20)

/* GEN_EPOCH is 2025-01-01T00:00:00Z: messages are composed during 2025. */
#define GEN_EPOCH 1735689600

struct options {
	const char *out;
	const char *keys_dir;
	uint64_t count;
	uint64_t seed;
	unsigned lf;
	uint32_t selectors; /* --selectors N; 0: the fixed selector names */
	unsigned bugs;      /* --bugs PERCENT of sound signatures */
};

struct stats {
	uint64_t messages, unsigned_msgs, sigs, bytes, lf, newdir;
	uint64_t by_code[8];
};

static const char *const codes[8] = { "ok", "bh", "sig", "nokey", "revoked",
	"expired", "sha1", "key-small" };

struct gen {
	struct options opt;
	struct keyring kr;
	struct signer sg;
	struct selpool pool;
	struct message m;
	struct gbuf out, tmp, expected, diagnoses;
	struct stats st;
};

static void
usage(const char *why)
{
	fprintf(stderr,
	    "corpusgen: %s\nusage: corpusgen --out DIR --count N "
	    "--seed S [--keys-dir DIR] [--lf PERCENT] [--selectors N]\n"
	    "       [--bugs PERCENT]\n",
	    why);
	exit(2);
}

/* parse_u64 accepts 1 to 20 decimal digits without sign or space. */
static bool
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return false;
		}
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10) {
			return false;
		}
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static void
parse_args(struct options *o, int argc, char **argv)
{
	bool have_count = false, have_seed = false;
	o->keys_dir = "corpus/keys";
	o->lf = 30;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf("usage: corpusgen --out DIR --count N --seed S "
			       "[--keys-dir DIR] [--lf PERCENT] "
			       "[--selectors N] [--bugs PERCENT]\n");
			exit(0);
		}
		if (i + 1 >= argc) {
			usage("missing value after an option");
		}
		const char *v = argv[++i];
		uint64_t n;
		if (strcmp(a, "--out") == 0) {
			o->out = v;
		} else if (strcmp(a, "--keys-dir") == 0) {
			o->keys_dir = v;
		} else if (strcmp(a, "--count") == 0) {
			if (!parse_u64(v, &o->count) ||
			    o->count > GEN_MAX_COUNT) {
				usage("--count wants a number up to 100000000");
			}
			have_count = true;
		} else if (strcmp(a, "--seed") == 0) {
			if (!parse_u64(v, &o->seed)) {
				usage("--seed wants an unsigned 64-bit number");
			}
			have_seed = true;
		} else if (strcmp(a, "--lf") == 0) {
			if (!parse_u64(v, &n) || n > 100) {
				usage("--lf wants a percentage, 0 to 100");
			}
			o->lf = (unsigned)n;
		} else if (strcmp(a, "--bugs") == 0) {
			if (!parse_u64(v, &n) || n > 100) {
				usage("--bugs wants a percentage, 0 to 100");
			}
			o->bugs = (unsigned)n;
		} else if (strcmp(a, "--selectors") == 0) {
			if (!parse_u64(v, &n) ||
			    (n != 0 && n < selpool_min()) || n > SELPOOL_MAX) {
				char why[96];
				(void)snprintf(why, sizeof(why),
				    "--selectors wants 0 or a number from %u "
				    "to %u",
				    selpool_min(), SELPOOL_MAX);
				usage(why);
			}
			o->selectors = (uint32_t)n;
		} else {
			usage("unknown option");
		}
	}
	if (o->out == NULL || !have_count || !have_seed) {
		usage("--out, --count and --seed are required");
	}
}

/* make_dirs creates |path| and its parents, like mkdir -p. */
static bool
make_dirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return false;
	}
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
				return false;
			}
			buf[i] = c;
		}
	}
	return true;
}

static bool
dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL) {
		return errno == ENOENT;
	}
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

/* write_file writes |len| bytes to |path| and sets its modification time
 * to |mtime| (seconds since the epoch; negative: leave it). */
static bool
write_file(const char *path, const uint8_t *p, size_t len, int64_t mtime)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return false;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			(void)close(fd);
			return false;
		}
		done += (size_t)n;
	}
	if (mtime >= 0) {
		struct timespec ts[2] = { { (time_t)mtime, 0 },
			{ (time_t)mtime, 0 } };
		(void)futimens(fd, ts);
	}
	return close(fd) == 0;
}

static bool
write_path(struct gen *g, const char *rel, const struct gbuf *b, int64_t mtime)
{
	gbuf_clear(&g->tmp);
	gbuf_printf(&g->tmp, "%s/%s", g->opt.out, rel);
	gbuf_putc(&g->tmp, 0);
	if (g->tmp.failed || b->failed) {
		errno = ENOMEM;
		return false;
	}
	if (!write_file((const char *)g->tmp.p, b->p, b->len, mtime)) {
		fprintf(stderr, "corpusgen: %s: %s\n", (const char *)g->tmp.p,
		    strerror(errno));
		return false;
	}
	return true;
}

/* ---- faults -------------------------------------------------------------- */

/* rotate changes a letter or digit into the next one. */
static uint8_t
rotate(uint8_t c)
{
	if (c == 'z' || c == 'Z' || c == '9') {
		return (uint8_t)(c == '9' ? '0' : c - 25);
	}
	return (uint8_t)(c + 1);
}

static bool
is_alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static void
fault_body(struct message *m)
{
	for (size_t i = 0; i < m->body.len; i++) {
		uint8_t c = m->body.p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			m->body.p[i] = rotate(c);
			return;
		}
	}
}

static void
capitalise(struct gbuf *b, const char *name)
{
	for (size_t i = 0; name[i] != '\0'; i++) {
		char c = name[i];
		if ((i == 0 || name[i - 1] == '-') && c >= 'a' && c <= 'z') {
			c = (char)(c - 'a' + 'A');
		}
		gbuf_putc(b, (uint8_t)c);
	}
}

/* fault_header changes the bottom-most field named |h|, or adds one. */
static bool
fault_header(struct gen *g, struct rng *r, enum hdr_id h, bool add)
{
	struct message *m = &g->m;
	if (add) {
		capitalise(&m->head, hdr_names[h]);
		gbuf_puts(&m->head, ": ");
		header_field_value(&m->head, r, h);
		gbuf_puts(&m->head, "\r\n");
		return true;
	}
	struct msg mm;
	arena_reset(&g->sg.a);
	if (msg_parse(&mm, &g->sg.a, m->head.p, m->head.len) != MSG_OK) {
		return false;
	}
	const char *name = hdr_names[h];
	for (size_t i = mm.num_fields; i-- > 0;) {
		const struct msg_field *f = &mm.fields[i];
		if (!msg_field_is(f, span_make(name, strlen(name)))) {
			continue;
		}
		size_t off = (size_t)(f->value.p - m->head.p);
		if (h == H_SUBJECT) {
			while (off < m->head.len && m->head.p[off] == ' ') {
				off++;
			}
			gbuf_insert(&m->head, off, "[EXTERNAL] ", 11);
			return true;
		}
		for (size_t k = f->value.len; k-- > 0;) {
			if (is_alnum(m->head.p[off + k])) {
				m->head.p[off + k] = rotate(m->head.p[off + k]);
				return true;
			}
		}
		return false;
	}
	return false;
}

/* ---- one message --------------------------------------------------------- */

#define MAX_HOPS 4

static size_t
draw_size(struct rng *r)
{
	/* Log-normal: median 10 KB, sigma 1.7, so p90 is about 90 KB and
	 * roughly 0.3% of messages pass 1 MB. */
	double v = 10240.0 * gen_exp(1.7 * rng_normal(r));
	if (v > (double)GEN_MAX_SIZE) {
		v = (double)GEN_MAX_SIZE;
	}
	if (v < 300.0) {
		v = 300.0;
	}
	return (size_t)v;
}

static void
add_received(
    struct gen *g, struct rng *r, int64_t t, bool final, const char *rcpt)
{
	gbuf_clear(&g->tmp);
	header_received(&g->tmp, r, t, final, rcpt);
	if (g->tmp.failed) {
		g->m.head.failed = true;
		return;
	}
	message_prepend_field(&g->m, g->tmp.p, g->tmp.len);
}

static void
put_expected(struct gen *g, const char *file, const struct msg_plan *p)
{
	if (p->num_sigs == 0) {
		gbuf_printf(&g->expected, "%s\t-\t-\t-\t-\t-\tnone\t-\n", file);
		g->st.unsigned_msgs++;
		return;
	}
	/* The newest signature is on top: index 0. */
	for (size_t k = p->num_sigs; k-- > 0;) {
		const struct sig_plan *s = &p->sigs[k];
		gbuf_printf(&g->expected, "%s\t%zu\t%s\t%s\t%s\t%s\t%s\t%s\n",
		    file, p->num_sigs - 1 - k, s->d, s->s, plan_a_text(s),
		    plan_c_text(s), s->result, s->code);
		g->st.sigs++;
		for (size_t c = 0; c < 8; c++) {
			if (strcmp(codes[c], s->code) == 0) {
				g->st.by_code[c]++;
			}
		}
	}
}

static bool
gen_message(struct gen *g, uint64_t seq)
{
	struct rng r, rs;
	rng_init(&r, g->opt.seed, seq);
	rng_init(&rs, g->opt.seed ^ 0x5851f42d4c957f2dULL, seq);
	/* Bugs draw from a stream of their own, so that --bugs 0 (the
	 * default) leaves every corpus as it was. */
	struct rng rb;
	rng_init(&rb, g->opt.seed ^ 0x2545f4914f6cdd1dULL, seq);
	struct message *m = &g->m;
	gbuf_clear(&m->head);
	gbuf_clear(&m->body);
	m->no_separator = false;

	bool is_signed = !rng_permille(&r, 50);
	const struct domain *origin = plan_origin(&r, is_signed);
	struct text_req req = { seq, origin, 0, 0 };
	req.target_size = draw_size(&r);
	req.date = GEN_EPOCH + (int64_t)rng_below(&r, 363 * 86400);
	struct text_info info;
	text_build(m, &info, &r, &req);
	struct msg_plan plan;
	plan_message(&plan, &r, is_signed ? origin : NULL);
	for (size_t k = 0; k < plan.num_sigs; k++) {
		if (!selpool_name(&g->pool, &plan.sigs[k])) {
			fprintf(stderr,
			    "corpusgen: message %llu: cannot name its "
			    "selector\n",
			    (unsigned long long)seq);
			return false;
		}
	}

	/* The timeline: signatures oldest first, relay hops between them,
	 * the remaining hops after the last one.  At least one hop follows
	 * the last signature, 30 s or more before arrival, so that an x=
	 * can fall between signing and arrival. */
	unsigned hops = rng_range(&r, 1, MAX_HOPS);
	int64_t c = req.date + rng_range(&r, 0, 20);
	int64_t sig_t[PLAN_MAX_SIGS], hop_t[PLAN_MAX_SIGS];
	bool hop_after[PLAN_MAX_SIGS] = { false, false, false };
	for (size_t k = 0; k < plan.num_sigs; k++) {
		sig_t[k] = c;
		if (k + 1 < plan.num_sigs && hops > 1 &&
		    rng_permille(&r, 500)) {
			hops--;
			hop_after[k] = true;
			c += rng_range(&r, 1, 90);
			hop_t[k] = c;
		}
		c += rng_range(&r, 0, 5);
	}
	int64_t final_t[MAX_HOPS];
	for (unsigned h = 0; h < hops; h++) {
		c += h + 1 == hops ? rng_range(&r, 30, 240)
		                   : rng_range(&r, 1, 120);
		if (rng_permille(&r, 20)) {
			c += rng_range(&r, 600, 6 * 3600); /* greylisting */
		}
		final_t[h] = c;
	}
	int64_t arrival = c;

	const char *err = NULL;
	unsigned present = info.present;
	for (size_t k = 0; k < plan.num_sigs; k++) {
		plan_sig_details(&plan.sigs[k], &r, sig_t[k], arrival, present,
		    info.body_has_text);
		plan.sigs[k].bug = DKIM_DIAG_NONE;
		if (g->opt.bugs > 0 && !plan.sigs[k].has_l &&
		    plan_sound(&plan.sigs[k], &g->kr) &&
		    rng_below(&rb, 100) < g->opt.bugs) {
			static const enum dkim_diag relaxed[] = {
				DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF,
				DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES,
				DKIM_DIAG_TRAILING_WHITESPACE_KEPT,
				DKIM_DIAG_LF_LINE_ENDINGS
			};
			static const enum dkim_diag simple[] = {
				DKIM_DIAG_LF_LINE_ENDINGS,
				DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES
			};
			plan.sigs[k].bug = plan.sigs[k].bc == CANON_RELAXED
			    ? RNG_PICK(&rb, relaxed)
			    : RNG_PICK(&rb, simple);
		}
		if (!signer_sign(&g->sg, m, &plan.sigs[k], &g->kr, &r, &err)) {
			fprintf(stderr, "corpusgen: message %llu: %s\n",
			    (unsigned long long)seq, err);
			return false;
		}
		present |= 1u << H_DKIM_SIGNATURE;
		if (hop_after[k]) {
			add_received(g, &r, hop_t[k], false, info.recipient);
			present |= 1u << H_RECEIVED;
		}
	}
	plan_faults(&plan, &r, info.present, info.body_has_text);
	if (plan.fault_body) {
		fault_body(m);
	}
	if (plan.footer) {
		text_footer(&m->body, &r);
	}
	if (plan.fault_hdr >= 0 &&
	    !fault_header(
	        g, &r, (enum hdr_id)plan.fault_hdr, plan.fault_hdr_add)) {
		plan.fault_hdr = -1; /* nothing to change after all */
	}
	plan_expect(&plan, &g->kr);
	for (unsigned h = 0; h < hops; h++) {
		add_received(g, &r, final_t[h], h + 1 == hops, info.recipient);
	}
	if (rng_permille(&r, 300)) {
		gbuf_clear(&g->tmp);
		gbuf_printf(&g->tmp, "Delivered-To: %s", info.recipient);
		message_prepend_field(m, g->tmp.p, g->tmp.len);
	}
	if (!rng_permille(&r, 50)) {
		gbuf_clear(&g->tmp);
		gbuf_printf(&g->tmp, "Return-Path: <bounces+%08x@%s>",
		    (unsigned)rng_next(&r),
		    origin != NULL ? origin->name : "unsigned.example");
		message_prepend_field(m, g->tmp.p, g->tmp.len);
	}

	/* Storage. */
	bool lf = rng_below(&rs, 100) < g->opt.lf;
	bool in_new = rng_permille(&rs, 100);
	static const char *const flags[] = { "S", "S", "S", "RS", "FS", "" };
	const char *fl = RNG_PICK(&rs, flags);
	struct gbuf *o = &g->out;
	gbuf_clear(o);
	if (!gbuf_reserve(o, m->head.len + m->body.len + 2)) {
		return false;
	}
	gbuf_put(o, m->head.p, m->head.len);
	if (!m->no_separator || m->body.len > 0) {
		gbuf_put(o, "\r\n", 2);
	}
	gbuf_put(o, m->body.p, m->body.len);
	if (lf) {
		/* The generator writes no bare CR, so dropping every CR
		 * before an LF is the whole conversion. */
		size_t w = 0;
		for (size_t i = 0; i < o->len; i++) {
			if (!(o->p[i] == '\r' && i + 1 < o->len &&
			        o->p[i + 1] == '\n')) {
				o->p[w++] = o->p[i];
			}
		}
		o->len = w;
		g->st.lf++;
	}
	char file[96];
	if (in_new) {
		(void)snprintf(file, sizeof(file),
		    "maildir/new/%06llu.%llu.authsweep",
		    (unsigned long long)seq, (unsigned long long)g->opt.seed);
		g->st.newdir++;
	} else {
		(void)snprintf(file, sizeof(file),
		    "maildir/cur/%06llu.%llu.authsweep:2,%s",
		    (unsigned long long)seq, (unsigned long long)g->opt.seed,
		    fl);
	}
	if (m->head.failed || m->body.failed || o->failed) {
		fprintf(stderr, "corpusgen: out of memory\n");
		return false;
	}
	if (!write_path(g, file, o, arrival)) {
		return false;
	}
	g->st.messages++;
	g->st.bytes += o->len;
	put_expected(g, file, &plan);
	for (size_t k = plan.num_sigs; k-- > 0;) {
		enum dkim_diag d = plan_diag(&plan, &plan.sigs[k]);
		gbuf_printf(&g->diagnoses, "%s\t%zu\t%s\t%s\n", file,
		    plan.num_sigs - 1 - k,
		    d == DKIM_DIAG_NONE ? "-" : dkim_diag_code(d),
		    plan.sigs[k].bug == DKIM_DIAG_NONE
		        ? "-"
		        : dkim_diag_code(plan.sigs[k].bug));
	}
	return !g->expected.failed && !g->diagnoses.failed;
}

static void
gen_cleanup(struct gen *g)
{
	keys_free(&g->kr);
	signer_cleanup(&g->sg);
	selpool_cleanup(&g->pool);
	gbuf_free(&g->m.head);
	gbuf_free(&g->m.body);
	gbuf_free(&g->out);
	gbuf_free(&g->tmp);
	gbuf_free(&g->expected);
	gbuf_free(&g->diagnoses);
	crypto_cleanup();
}

int
main(int argc, char **argv)
{
	static struct gen g;
	parse_args(&g.opt, argc, argv);
	if (!crypto_init()) {
		fprintf(stderr, "corpusgen: OpenSSL lacks SHA-256 or SHA-1\n");
		return 1;
	}
	char err[512];
	if (!keys_load(&g.kr, g.opt.keys_dir, err, sizeof(err))) {
		fprintf(stderr, "corpusgen: %s\n", err);
		crypto_cleanup();
		return 1;
	}
	if (!signer_init(&g.sg) || !selpool_init(&g.pool, g.opt.selectors)) {
		fprintf(stderr, "corpusgen: out of memory\n");
		gen_cleanup(&g);
		return 1;
	}
	int rc = 1;
	if (!dir_is_empty(g.opt.out)) {
		fprintf(stderr, "corpusgen: %s exists and is not empty\n",
		    g.opt.out);
		goto out;
	}
	static const char *const subdirs[] = { "maildir/cur", "maildir/new",
		"maildir/tmp" };
	for (size_t i = 0; i < 3; i++) {
		gbuf_clear(&g.tmp);
		gbuf_printf(&g.tmp, "%s/%s", g.opt.out, subdirs[i]);
		gbuf_putc(&g.tmp, 0);
		if (g.tmp.failed || !make_dirs((const char *)g.tmp.p)) {
			fprintf(stderr, "corpusgen: cannot create %s: %s\n",
			    (const char *)g.tmp.p, strerror(errno));
			goto out;
		}
	}
	char selectors_arg[32] = "", bugs_arg[32] = "";
	if (g.opt.selectors > 0) {
		(void)snprintf(selectors_arg, sizeof(selectors_arg),
		    " --selectors %u", g.opt.selectors);
	}
	if (g.opt.bugs > 0) {
		(void)snprintf(
		    bugs_arg, sizeof(bugs_arg), " --bugs %u", g.opt.bugs);
	}
	gbuf_printf(&g.expected,
	    "# expected.tsv - the verdicts authsweep must report for this "
	    "corpus.\n"
	    "# corpusgen --count %llu --seed %llu --lf %u%s%s\n"
	    "# One line per DKIM-Signature field, and one line with idx \"-\" "
	    "per unsigned message.\n"
	    "# file: the message, relative to this directory; idx: 0-based "
	    "index of the field from the top;\n"
	    "# d s a c: the tags as written (c is simple/simple when c= is "
	    "absent);\n"
	    "# result, code: the RFC 8601 result and authsweep's reason "
	    "code at the message's arrival\n"
	    "# time (its newest Received date).\n"
	    "file\tidx\td\ts\ta\tc\tresult\tcode\n",
	    (unsigned long long)g.opt.count, (unsigned long long)g.opt.seed,
	    g.opt.lf, selectors_arg, bugs_arg);
	gbuf_printf(&g.diagnoses,
	    "# diagnoses.tsv - the diagnosis authsweep must give each "
	    "DKIM-Signature once it fails\n"
	    "# (issue 7): diagnosis, the code or \"-\" for none; bug, how "
	    "a broken signer (--bugs) hashed\n"
	    "# the body, or \"-\".  file and idx as in expected.tsv.\n"
	    "file\tidx\tdiagnosis\tbug\n");
	for (uint64_t seq = 1; seq <= g.opt.count; seq++) {
		if (!gen_message(&g, seq)) {
			goto out;
		}
	}
	if (!write_path(&g, "diagnoses.tsv", &g.diagnoses, -1)) {
		goto out;
	}
	if (!write_path(&g, "expected.tsv", &g.expected, -1)) {
		goto out;
	}
	/* Last, because --selectors names keys as the messages need them. */
	struct gbuf zone = { 0 };
	keys_zone(&g.kr, &zone);
	selpool_zone(&g.pool, &g.kr, &zone);
	bool ok = write_path(&g, "keys.zone", &zone, -1);
	gbuf_free(&zone);
	if (!ok) {
		goto out;
	}
	printf("corpusgen: %llu messages (%llu unsigned, %llu with LF line "
	       "endings, %llu in new/), %llu signatures, %llu bytes in %s\n",
	    (unsigned long long)g.st.messages,
	    (unsigned long long)g.st.unsigned_msgs, (unsigned long long)g.st.lf,
	    (unsigned long long)g.st.newdir, (unsigned long long)g.st.sigs,
	    (unsigned long long)g.st.bytes, g.opt.out);
	for (size_t c = 0; c < 8; c++) {
		printf("  %-10s %llu\n", codes[c],
		    (unsigned long long)g.st.by_code[c]);
	}
	if (g.opt.selectors > 0) {
		printf("  selector names: %u of --selectors %u\n", g.pool.next,
		    g.opt.selectors);
	}
	rc = 0;
out:
	gen_cleanup(&g);
	return rc;
}
