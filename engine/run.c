/*
 * run.c - one `authsweep verify` run (see run.h).
 *
 * Two knobs exist for the crash tests only, read from the environment:
 * AUTHSWEEP_CHECKPOINT_RECORDS sets the checkpoint interval, and
 * AUTHSWEEP_TEST_KILL_AFTER=N makes the process kill itself with SIGKILL
 * once N records are written, wherever that falls between checkpoints.
 */
#include "engine/run.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/dkim.h"
#include "dns/zone.h"
#include "engine/ingest.h"
#include "engine/output.h"
#include "engine/pool.h"
#include "engine/process.h"
#include "engine/progress.h"
#include "engine/source.h"

/* RUN_CKPT_RECORDS and RUN_CKPT_SECONDS: a checkpoint at least every this
 * many records or seconds, whichever comes first.  Each costs an fsync. */
#define RUN_CKPT_RECORDS 20000
#define RUN_CKPT_SECONDS 5.0

/* RUN_BATCHES_PER_WORKER: batches in flight per worker, so that the
 * producer can run ahead while the writer waits for the oldest batch. */
#define RUN_BATCHES_PER_WORKER 4

struct worker {
	pthread_t thread;
	struct pool *pool;
	struct worker_ctx ctx;
	enum io_mode io;
};

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

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static uint64_t
fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ b[i]) * 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

/* fingerprint identifies what decides the bytes of the results: a
 * checkpoint is only resumed by a run with the same one.  Thread count and
 * I/O method are left out: they never change the output. */
static uint64_t
fingerprint(const struct run_config *cfg)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int64_t nums[] = { cfg->format, cfg->mbox_format, cfg->have_now,
		cfg->have_now ? cfg->now : 0, cfg->stdin_nul };
	h = fnv(h, nums, sizeof(nums));
	for (size_t i = 0; i < cfg->num_inputs; i++) {
		h = fnv_str(h, cfg->inputs[i]);
	}
	for (size_t i = 0; i < cfg->num_keys; i++) {
		struct stat st;
		h = fnv_str(h, cfg->keys[i]);
		if (stat(cfg->keys[i], &st) == 0) {
			int64_t id[] = { (int64_t)st.st_size,
				(int64_t)st.st_mtime };
			h = fnv(h, id, sizeof(id));
		}
	}
	return h;
}

/* probe_io decides the I/O method once, on the main thread, so that a
 * forced io_uring that cannot work is a usage error before anything
 * starts. */
static int
probe_io(const struct run_config *cfg, enum io_mode *mode, const char **why)
{
	struct ingest *in;
	int err = ingest_new(&in, cfg->io, why);
	if (err != 0) {
		return err;
	}
	*mode = strcmp(ingest_name(in), "io_uring") == 0 ? IO_URING : IO_PREAD;
	ingest_free(in);
	return 0;
}

/* ---- threads ------------------------------------------------------------- */

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct ingest *in = NULL;
	const char *why;
	if (ingest_new(&in, w->io, &why) != 0 && ingest_pread_new(&in) != 0) {
		pool_abort(w->pool);
		return NULL;
	}
	struct batch *b;
	while ((b = pool_take_work(w->pool)) != NULL) {
		process_batch(&w->ctx, in, b);
		pool_complete(w->pool, b);
	}
	ingest_free(in);
	return NULL;
}

/* ---- the writer ---------------------------------------------------------- */

struct writer {
	struct output *out;
	struct pool *pool;
	struct progress *progress;
	struct run_stats stats;
	uint64_t records; /* records in the results, skipped ones included */
	uint64_t in_bytes;
	uint64_t ckpt_every;
	uint64_t kill_after;
	bool ingest_only;
};

static uint64_t
env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	if (v == NULL || *v == '\0') {
		return dflt;
	}
	unsigned long long n = strtoull(v, &end, 10);
	return *end == '\0' && n > 0 ? (uint64_t)n : dflt;
}

/* checkpoint_due decides whether to checkpoint after the batch just
 * written.  Plain output: every ckpt_every records or RUN_CKPT_SECONDS.
 * Compressed output: a checkpoint ends a zstd frame, and the frame ends
 * must not depend on timing, or a resumed run would not write the same
 * bytes as an uninterrupted one; so only where the record count crosses a
 * multiple of ckpt_every (batches are the same in every run). */
static bool
checkpoint_due(const struct writer *w, uint64_t last_ckpt, double elapsed)
{
	if (output_compressed(w->out)) {
		return w->records / w->ckpt_every != last_ckpt / w->ckpt_every;
	}
	return w->records - last_ckpt >= w->ckpt_every ||
	    elapsed >= RUN_CKPT_SECONDS;
}

/* write_all_batches writes every batch in order.  Returns 0 or -errno. */
static int
write_all_batches(struct writer *w)
{
	uint64_t last_ckpt = w->records;
	double last_t = now_s();
	struct batch *b;
	int err = 0;
	while ((b = pool_next_done(w->pool)) != NULL) {
		if (b->out.failed) {
			err = -ENOMEM;
		} else if (!w->ingest_only && b->out.len > 0) {
			err = output_write(w->out, b->out.p, b->out.len);
		}
		stats_add(&w->stats, &b->stats);
		w->records += b->stats.messages;
		w->in_bytes += b->in_bytes;
		pool_recycle(w->pool, b);
		if (err != 0) {
			pool_abort(w->pool);
			return err;
		}
		double t = now_s();
		if (checkpoint_due(w, last_ckpt, t - last_t)) {
			err = output_checkpoint(w->out, w->records);
			if (err != 0) {
				pool_abort(w->pool);
				return err;
			}
			last_ckpt = w->records;
			last_t = t;
		}
		if (w->kill_after > 0 && w->records >= w->kill_after) {
			(void)kill(getpid(), SIGKILL);
		}
		progress_update(w->progress, w->stats.messages, w->stats.bytes,
		    w->in_bytes);
	}
	/* A worker that could not start aborts the run: no batch is lost
	 * silently, the run fails. */
	return pool_aborted(w->pool) ? -ENOMEM : 0;
}

static void
print_summary(
    const struct run_stats *st, double secs, unsigned jobs, const char *io)
{
	fprintf(stderr,
	    "authsweep: %llu messages (%llu unreadable), %llu signatures, "
	    "%.2f s, %.0f msg/s, %.1f MB/s, %u threads, %s\n",
	    (unsigned long long)st->messages, (unsigned long long)st->errors,
	    (unsigned long long)st->sigs, secs,
	    secs > 0 ? (double)st->messages / secs : 0.0,
	    secs > 0 ? (double)st->bytes / secs / 1e6 : 0.0, jobs, io);
	static const enum auth_verdict order[] = { AUTH_PASS, AUTH_FAIL,
		AUTH_NEUTRAL, AUTH_POLICY, AUTH_TEMPERROR, AUTH_PERMERROR };
	size_t n = sizeof(order) / sizeof(order[0]);
	fprintf(stderr, "  dkim:");
	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, " %s %llu%s", auth_verdict_str(order[i]),
		    (unsigned long long)st->by_verdict[order[i]],
		    i + 1 < n ? "," : "\n");
	}
	fprintf(stderr,
	    "  messages: %llu with a passing signature, %llu unsigned\n",
	    (unsigned long long)st->msgs_with_pass,
	    (unsigned long long)st->unsigned_msgs);
	fprintf(stderr,
	    "  crypto: hashed sha256 %llu bytes, sha1 %llu bytes; "
	    "public-key checks:",
	    (unsigned long long)st->hashed_bytes[DIGEST_SHA256],
	    (unsigned long long)st->hashed_bytes[DIGEST_SHA1]);
	for (size_t i = 0; i < PK_NUM; i++) {
		fprintf(stderr, " %s %llu%s", stats_pk_name((enum pk_kind)i),
		    (unsigned long long)st->pk_ops[i],
		    i + 1 < PK_NUM ? "," : "\n");
	}
}

/* ---- the run ------------------------------------------------------------- */

struct run {
	const struct run_config *cfg;
	struct zone *zone;
	struct dns_view dns;
	struct pool *pool;
	struct worker *workers;
	unsigned num_started;
	pthread_t producer;
	bool producer_started;
	struct source_args src;
	struct output *out;
};

static void
stop_threads(struct run *r)
{
	if (r->producer_started) {
		pthread_join(r->producer, NULL);
	}
	for (unsigned i = 0; i < r->num_started; i++) {
		pthread_join(r->workers[i].thread, NULL);
	}
	for (unsigned i = 0; r->workers != NULL && i < r->cfg->jobs; i++) {
		dkim_verifier_free(r->workers[i].ctx.verifier);
		arena_cleanup(&r->workers[i].ctx.arena);
	}
	free(r->workers);
}

static bool
start_threads(struct run *r, enum io_mode io, uint64_t skip)
{
	const struct run_config *cfg = r->cfg;
	r->workers = calloc(cfg->jobs, sizeof(*r->workers));
	if (r->workers == NULL) {
		return false;
	}
	for (unsigned i = 0; i < cfg->jobs; i++) {
		struct worker *w = &r->workers[i];
		w->pool = r->pool;
		w->io = io;
		w->ctx.cfg = cfg;
		w->ctx.dns = &r->dns;
		arena_init(&w->ctx.arena, (size_t)1 << 20);
		w->ctx.verifier = dkim_verifier_new();
		if (w->ctx.verifier == NULL ||
		    pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			return false;
		}
		r->num_started++;
	}
	r->src = (struct source_args){ cfg, r->pool, skip, 0 };
	if (pthread_create(&r->producer, NULL, source_main, &r->src) != 0) {
		return false;
	}
	r->producer_started = true;
	return true;
}

static int
setup(struct run *r, enum io_mode *io, const char **io_why, uint64_t *skip)
{
	const struct run_config *cfg = r->cfg;
	if (cfg->num_keys > 0) {
		if ((r->zone = zone_new()) == NULL ||
		    !load_keys(cfg, r->zone)) {
			return RUN_EXIT_USAGE;
		}
		r->dns = zone_view(r->zone);
	} else {
		r->dns.lookup = no_source_lookup;
	}
	int err = probe_io(cfg, io, io_why);
	if (err != 0) {
		fprintf(stderr, "authsweep: --io uring: %s\n", strerror(-err));
		return RUN_EXIT_USAGE;
	}
	const char *why;
	err = output_open(
	    &r->out, cfg->output, cfg->resume, fingerprint(cfg), skip, &why);
	if (err != 0) {
		fprintf(stderr, "authsweep: -o %s: %s\n", cfg->output,
		    why != NULL ? why : strerror(-err));
		return RUN_EXIT_USAGE;
	}
	if (*skip > 0) {
		fprintf(stderr, "authsweep: resuming after %llu records\n",
		    (unsigned long long)*skip);
	}
	r->pool = pool_new(cfg->jobs * RUN_BATCHES_PER_WORKER + 4);
	return r->pool == NULL ? RUN_EXIT_USAGE : RUN_EXIT_OK;
}

int
run_verify(const struct run_config *cfg)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	enum io_mode io = IO_PREAD;
	const char *io_why = NULL;
	uint64_t skip = 0;
	int rc = setup(&r, &io, &io_why, &skip);
	if (rc != RUN_EXIT_OK) {
		output_abandon(r.out);
		zone_free(r.zone);
		return rc;
	}
	struct writer w = {
		.out = r.out,
		.pool = r.pool,
		.records = skip,
		.ckpt_every =
		    env_u64("AUTHSWEEP_CHECKPOINT_RECORDS", RUN_CKPT_RECORDS),
		.kill_after = env_u64("AUTHSWEEP_TEST_KILL_AFTER", 0),
		.ingest_only = cfg->ingest_only,
	};
	double t0 = now_s();
	int err = -ENOMEM;
	if (start_threads(&r, io, skip)) {
		w.progress = progress_start(cfg, isatty(STDERR_FILENO) == 1);
		err = write_all_batches(&w);
		progress_stop(w.progress);
	} else {
		pool_abort(r.pool);
	}
	stop_threads(&r);
	if (err == 0 && r.src.result != 0) {
		err = r.src.result;
	}
	if (err == 0) {
		err = output_finish(r.out);
		r.out = NULL;
	}
	if (err != 0) {
		output_abandon(r.out);
		fprintf(stderr, "authsweep: writing results failed: %s\n",
		    strerror(-err));
		rc = RUN_EXIT_IO;
	} else {
		print_summary(&w.stats, now_s() - t0, cfg->jobs,
		    io == IO_URING ? "io_uring" : "pread");
		if (io_why != NULL) {
			fprintf(stderr, "  io: pread, because %s\n", io_why);
		}
	}
	pool_free(r.pool);
	zone_free(r.zone);
	return rc;
}
