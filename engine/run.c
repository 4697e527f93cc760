/*
 * run.c - one `authsweep verify` run (see run.h).
 *
 * The run loads the DNS snapshot (--keys), lists the inputs, and for each
 * message file: reads it, indexes it, settles its evaluation time (--now,
 * else its newest Received date, else the file's modification time),
 * verifies its DKIM signatures and writes its record.  Every listed file
 * yields exactly one record, whatever goes wrong with it.
 */
#include "engine/run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/dkim.h"
#include "canon/arena.h"
#include "canon/datetime.h"
#include "canon/limits.h"
#include "canon/msg.h"
#include "dns/zone.h"
#include "engine/walk.h"

struct stats {
	uint64_t messages;
	uint64_t errors;
	uint64_t unsigned_msgs;
	uint64_t msgs_with_pass;
	uint64_t sigs;
	uint64_t by_verdict[AUTH_NUM_VERDICTS];
	uint64_t bytes;
};

struct runner {
	const struct run_config *cfg;
	struct dns_view dns;
	struct dkim_verifier *verifier;
	struct arena arena;
	uint8_t *buf; /* message bytes, reused */
	size_t buf_cap;
	FILE *out;
	struct outbuf ob;
	struct stats st;
	bool write_failed;
};

/* ---- DNS without a source ---------------------------------------------- */

static const struct dns_rrset no_source = {
	.status = DNS_TEMPFAIL,
	.reason = "no DNS source configured (use --keys)",
};

static const struct dns_rrset *
no_source_lookup(const struct dns_view *v, struct span name, enum dns_type type)
{
	(void)v;
	(void)name;
	(void)type;
	return &no_source;
}

/* ---- files --------------------------------------------------------------- */

/* read_all reads the file at |path| into r->buf.  It returns 0 and the
 * length and modification time, or -errno (-EFBIG beyond MSG_MAX_BYTES,
 * -EINVAL for a file that is not regular). */
static int
read_all(
    struct runner *r, const char *path, size_t *out_len, int64_t *out_mtime)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		return -errno;
	}
	struct stat st;
	int err = 0;
	if (fstat(fd, &st) != 0) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
	} else if ((uint64_t)st.st_size > MSG_MAX_BYTES) {
		err = -EFBIG;
	}
	size_t n = 0;
	while (err == 0) {
		if (n == r->buf_cap) {
			size_t ncap =
			    r->buf_cap == 0 ? 1 << 16 : r->buf_cap * 2;
			if (r->buf_cap >= MSG_MAX_BYTES + 1) {
				err = -EFBIG;
				break;
			}
			uint8_t *nb = realloc(r->buf, ncap);
			if (nb == NULL) {
				err = -ENOMEM;
				break;
			}
			r->buf = nb;
			r->buf_cap = ncap;
		}
		ssize_t k = read(fd, r->buf + n, r->buf_cap - n);
		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k < 0) {
			err = -errno;
		} else if (k == 0) {
			break;
		} else {
			n += (size_t)k;
			if (n > MSG_MAX_BYTES) {
				err = -EFBIG;
			}
		}
	}
	close(fd);
	if (err == 0) {
		*out_len = n;
		*out_mtime = (int64_t)st.st_mtime;
	}
	return err;
}

static const char *
read_error_text(int err, char *buf, size_t cap)
{
	if (err == -EFBIG) {
		snprintf(buf, cap, "message larger than %zu MiB",
		    MSG_MAX_BYTES >> 20);
	} else if (err == -EINVAL) {
		snprintf(buf, cap, "not a regular file");
	} else {
		snprintf(buf, cap, "cannot read: %s", strerror(-err));
	}
	return buf;
}

/* ---- records ------------------------------------------------------------ */

static void
emit(struct runner *r, const struct record *rec)
{
	r->ob.len = 0;
	record_write(&r->ob, r->cfg->format, rec);
	if (r->ob.failed ||
	    fwrite(r->ob.p, 1, r->ob.len, r->out) != r->ob.len) {
		r->write_failed = true;
	}
}

static void
count(struct stats *st, const struct dkim_outcome *o)
{
	st->sigs += o->num_sigs + o->num_unlisted;
	bool pass = false;
	for (size_t i = 0; i < o->num_sigs; i++) {
		st->by_verdict[o->sigs[i].verdict]++;
		pass = pass || o->sigs[i].verdict == AUTH_PASS;
	}
	st->unsigned_msgs += o->num_sigs == 0;
	st->msgs_with_pass += pass;
}

static void
eval_time(const struct run_config *cfg, const struct msg *m, int64_t mtime,
    struct record *rec)
{
	int64_t t;
	if (cfg->have_now) {
		rec->time = cfg->now;
		rec->time_source = TIME_GIVEN;
	} else if (datetime_received(m, &t)) {
		rec->time = t;
		rec->time_source = TIME_RECEIVED;
	} else if (mtime > 0) {
		rec->time = mtime;
		rec->time_source = TIME_MTIME;
	} else {
		rec->time = (int64_t)time(NULL);
		rec->time_source = TIME_CLOCK;
	}
}

static void
process(struct runner *r, const struct walk_item *item)
{
	struct record rec = {
		.path = item->path,
		.offset = -1,
		.time = r->cfg->have_now ? r->cfg->now : 0,
		.time_source = r->cfg->have_now ? TIME_GIVEN : TIME_CLOCK,
	};
	char errtext[128];
	struct dkim_outcome outcome;
	size_t len = 0;
	int64_t mtime = 0;
	int err = item->error != 0 ? -item->error
	                           : read_all(r, item->path, &len, &mtime);
	r->st.messages++;
	arena_reset(&r->arena);
	if (err != 0) {
		rec.error = read_error_text(err, errtext, sizeof(errtext));
		if (!r->cfg->have_now) {
			rec.time = (int64_t)time(NULL);
		}
		r->st.errors++;
		emit(r, &rec);
		return;
	}
	r->st.bytes += len;
	struct msg m;
	enum msg_status ms = msg_parse(&m, &r->arena, r->buf, len);
	if (ms == MSG_OK) {
		eval_time(r->cfg, &m, mtime, &rec);
		if (!dkim_verify(r->verifier, &outcome, &m, &r->dns, rec.time,
		        &r->arena)) {
			ms = MSG_ERR_NOMEM;
		}
	}
	if (ms != MSG_OK) {
		snprintf(errtext, sizeof(errtext), "cannot parse: %s",
		    msg_status_str(ms));
		rec.error = errtext;
		if (!r->cfg->have_now) {
			rec.time = mtime;
			rec.time_source = TIME_MTIME;
		}
		r->st.errors++;
		emit(r, &rec);
		return;
	}
	rec.dkim = &outcome;
	count(&r->st, &outcome);
	emit(r, &rec);
}

/* ---- setup --------------------------------------------------------------- */

static bool
load_keys(const struct run_config *cfg, struct zone *z)
{
	for (size_t i = 0; i < cfg->num_keys; i++) {
		FILE *f = fopen(cfg->keys[i], "rb");
		if (f == NULL) {
			fprintf(stderr, "authsweep: --keys %s: %s\n",
			    cfg->keys[i], strerror(errno));
			return false;
		}
		struct outbuf text = { 0 };
		char chunk[65536];
		size_t k;
		while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			outbuf_put(&text, chunk, k);
		}
		bool rd_err = ferror(f) != 0;
		fclose(f);
		struct zone_error ze = { 0, NULL };
		bool ok = !rd_err && !text.failed &&
		    zone_add_text(z, span_make(text.p, text.len), &ze);
		outbuf_free(&text);
		if (!ok) {
			fprintf(stderr, "authsweep: --keys %s:%zu: %s\n",
			    cfg->keys[i], ze.line,
			    ze.what != NULL ? ze.what : "cannot read");
			return false;
		}
	}
	return true;
}

static void
print_summary(const struct stats *st, double secs)
{
	fprintf(stderr,
	    "authsweep: %llu messages (%llu unreadable), %llu signatures, "
	    "%.2f s, %.0f msg/s, %.1f MB/s\n",
	    (unsigned long long)st->messages, (unsigned long long)st->errors,
	    (unsigned long long)st->sigs, secs,
	    secs > 0 ? (double)st->messages / secs : 0.0,
	    secs > 0 ? (double)st->bytes / secs / 1e6 : 0.0);
	fprintf(stderr, "  dkim:");
	static const enum auth_verdict order[] = { AUTH_PASS, AUTH_FAIL,
		AUTH_NEUTRAL, AUTH_POLICY, AUTH_TEMPERROR, AUTH_PERMERROR };
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		fprintf(stderr, " %s %llu%s", auth_verdict_str(order[i]),
		    (unsigned long long)st->by_verdict[order[i]],
		    i + 1 < sizeof(order) / sizeof(order[0]) ? "," : "\n");
	}
	fprintf(stderr,
	    "  messages: %llu with a passing signature, %llu unsigned\n",
	    (unsigned long long)st->msgs_with_pass,
	    (unsigned long long)st->unsigned_msgs);
}

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
run_verify(const struct run_config *cfg)
{
	int rc = RUN_EXIT_USAGE;
	struct runner r;
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	arena_init(&r.arena, 1 << 20);
	struct walk_list list = { 0 };
	struct zone *z = NULL;
	if (cfg->num_keys > 0) {
		if ((z = zone_new()) == NULL || !load_keys(cfg, z)) {
			goto out;
		}
		r.dns = zone_view(z);
	} else {
		r.dns.lookup = no_source_lookup;
	}
	r.verifier = dkim_verifier_new();
	if (r.verifier == NULL) {
		fprintf(stderr, "authsweep: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < cfg->num_inputs; i++) {
		if (walk_add_input(&list, cfg->inputs[i]) != 0) {
			fprintf(stderr, "authsweep: out of memory\n");
			goto out;
		}
	}
	r.out = cfg->output == NULL ? stdout : fopen(cfg->output, "w");
	if (r.out == NULL) {
		fprintf(stderr, "authsweep: -o %s: %s\n", cfg->output,
		    strerror(errno));
		goto out;
	}
	static char iobuf[1 << 20];
	setvbuf(r.out, iobuf, _IOFBF, sizeof(iobuf));
	double t0 = now_seconds();
	for (size_t i = 0; i < list.num_items && !r.write_failed; i++) {
		process(&r, &list.items[i]);
	}
	bool close_failed =
	    r.out == stdout ? fflush(r.out) != 0 : fclose(r.out) != 0;
	r.out = NULL;
	if (r.write_failed || close_failed) {
		fprintf(stderr, "authsweep: writing results failed: %s\n",
		    strerror(errno));
		rc = RUN_EXIT_IO;
		goto out;
	}
	print_summary(&r.st, now_seconds() - t0);
	rc = RUN_EXIT_OK;
out:
	if (r.out != NULL && r.out != stdout) {
		fclose(r.out);
	}
	walk_list_free(&list);
	dkim_verifier_free(r.verifier);
	zone_free(z);
	arena_cleanup(&r.arena);
	outbuf_free(&r.ob);
	free(r.buf);
	return rc;
}
