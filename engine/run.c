/*
 * run.c - one `authsweep verify` run (see run.h).
 *
 * Two knobs exist for the crash tests only, read from the environment:
 * AUTHSWEEP_CHECKPOINT_RECORDS sets the checkpoint interval, and
 * AUTHSWEEP_TEST_KILL_AFTER=N makes the process kill itself with SIGKILL
 * once N records are written, wherever that falls between checkpoints.
 * AUTHSWEEP_TEST_PARK_BUDGET sets the bytes a worker may set aside while
 * keys are pending (engine/process.h), so that tests reach the limit.
 */
#include "engine/run.h"

#include <dirent.h>
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
#include "dns/archive.h"
#include "dns/cache.h"
#include "dns/zone.h"
#include "engine/ingest.h"
#include "engine/output.h"
#include "engine/pool.h"
#include "engine/process.h"
#include "engine/progress.h"
#include "engine/source.h"
#include "engine/vcache.h"

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
	struct ingest *in;
	enum io_mode io;
};

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- setup --------------------------------------------------------------- */

/* read_whole reads the file |path| into |text|; -errno on failure. */
static int
read_whole(const char *path, struct outbuf *text)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return -errno;
	}
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		outbuf_put(text, chunk, k);
	}
	int err = ferror(f) != 0 ? -EIO : text->failed ? -ENOMEM : 0;
	fclose(f);
	return err;
}

/* load_zone_file adds the master file |path| to |z|, reporting failures as
 * "authsweep: OPTION PATH[:LINE]: why". */
static bool
load_zone_file(const char *option, const char *path, struct zone *z)
{
	struct outbuf text = { 0 };
	int err = read_whole(path, &text);
	struct zone_error ze = { 0, NULL };
	bool ok =
	    err == 0 && zone_add_text(z, span_make(text.p, text.len), &ze);
	outbuf_free(&text);
	if (err != 0) {
		fprintf(stderr, "authsweep: %s %s: %s\n", option, path,
		    strerror(-err));
	} else if (!ok) {
		fprintf(stderr, "authsweep: %s %s:%zu: %s\n", option, path,
		    ze.line, ze.what != NULL ? ze.what : "cannot read");
	}
	return ok;
}

static bool
load_keys(const struct run_config *cfg, struct zone *z)
{
	for (size_t i = 0; i < cfg->num_keys; i++) {
		if (!load_zone_file("--keys", cfg->keys[i], z)) {
			return false;
		}
	}
	return true;
}

/* ---- --keys-archive ------------------------------------------------------ */

/* struct archive_files lists the snapshots of --keys-archive DIR. */
struct archive_files {
	const char *dir;
	char **names; /* sorted by date */
	int64_t *from;
	size_t num;
};

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Days since 1970-01-01 of a proleptic Gregorian date. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool
digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* snapshot_date reads the date a snapshot file's name starts with:
 * YYYY-MM-DD, optionally followed by THH:MM:SSZ (UTC). */
static bool
snapshot_date(const char *name, int64_t *out)
{
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = strlen(name);
	if (n < 10 || !digits(name, 4, &y) || name[4] != '-' ||
	    !digits(name + 5, 2, &mo) || name[7] != '-' ||
	    !digits(name + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
		return false;
	}
	if (n >= 20 && name[10] == 'T' && digits(name + 11, 2, &h) &&
	    name[13] == ':' && digits(name + 14, 2, &mi) && name[16] == ':' &&
	    digits(name + 17, 2, &se) && name[19] == 'Z') {
		if (h > 23 || mi > 59 || se > 60) {
			return false;
		}
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

static void
archive_files_free(struct archive_files *a)
{
	for (size_t i = 0; i < a->num; i++) {
		free(a->names[i]);
	}
	free(a->names);
	free(a->from);
	memset(a, 0, sizeof(*a));
}

/* list_archive reads --keys-archive DIR.  Names that do not start with a
 * date are skipped with a warning; two snapshots for one moment, or none
 * at all, are usage errors. */
static bool
list_archive(const char *dir, struct archive_files *a)
{
	a->dir = dir;
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "authsweep: --keys-archive %s: %s\n", dir,
		    strerror(errno));
		return false;
	}
	size_t cap = 0;
	struct dirent *de;
	bool ok = true;
	while (ok && (de = readdir(d)) != NULL) {
		int64_t from;
		if (de->d_name[0] == '.') {
			continue;
		}
		if (!snapshot_date(de->d_name, &from)) {
			fprintf(stderr,
			    "authsweep: --keys-archive: skipping %s/%s: its "
			    "name does not start with a date (YYYY-MM-DD)\n",
			    dir, de->d_name);
			continue;
		}
		if (a->num == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(a->names, cap * sizeof(*nn));
			int64_t *nf =
			    nn ? realloc(a->from, cap * sizeof(*nf)) : NULL;
			if (nn != NULL) {
				a->names = nn;
			}
			if (nf == NULL) {
				ok = false;
				break;
			}
			a->from = nf;
		}
		a->names[a->num] = strdup(de->d_name);
		a->from[a->num] = from;
		ok = a->names[a->num] != NULL;
		a->num += ok;
	}
	closedir(d);
	/* Sort by date (insertion sort: archives hold hundreds). */
	for (size_t i = 1; ok && i < a->num; i++) {
		for (size_t j = i; j > 0 && a->from[j - 1] > a->from[j]; j--) {
			int64_t f = a->from[j];
			char *nm = a->names[j];
			a->from[j] = a->from[j - 1];
			a->names[j] = a->names[j - 1];
			a->from[j - 1] = f;
			a->names[j - 1] = nm;
		}
	}
	for (size_t i = 1; ok && i < a->num; i++) {
		if (a->from[i] == a->from[i - 1]) {
			fprintf(stderr,
			    "authsweep: --keys-archive: %s and %s are for the "
			    "same time\n",
			    a->names[i - 1], a->names[i]);
			ok = false;
		}
	}
	if (ok && a->num == 0) {
		fprintf(stderr,
		    "authsweep: --keys-archive %s: no snapshot named by date "
		    "(YYYY-MM-DD...)\n",
		    dir);
		ok = false;
	}
	return ok;
}

static bool
load_snapshot(void *arg, size_t index, struct zone *z)
{
	const struct archive_files *a = arg;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", a->dir, a->names[index]);
	return load_zone_file("--keys-archive", path, z);
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
	h = fnv_str(h, cfg->keys_archive != NULL ? cfg->keys_archive : "");
	h = fnv_str(h, cfg->dns != NULL ? cfg->dns : "");
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

/* take_new runs between two set-aside messages: a new batch goes first,
 * so that its lookups start early. */
static void
take_new(void *arg)
{
	struct worker *w = arg;
	struct batch *b = pool_try_work(w->pool);
	if (b != NULL) {
		process_batch(&w->ctx, w->in, b);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	const char *why;
	if (ingest_new(&w->in, w->io, &why) != 0 &&
	    ingest_pread_new(&w->in) != 0) {
		pool_abort(w->pool);
		return NULL;
	}
	for (;;) {
		uint64_t seen = pool_kicks(w->pool);
		if (process_has_parked(&w->ctx)) {
			(void)process_resume(&w->ctx, take_new, w);
		}
		bool parked = process_has_parked(&w->ctx);
		struct batch *b =
		    pool_take_work_or_kick(w->pool, parked ? &seen : NULL);
		if (b != NULL) {
			process_batch(&w->ctx, w->in, b);
		} else if (pool_aborted(w->pool) || !parked) {
			break;
		}
	}
	process_drop_parked(&w->ctx);
	ingest_free(w->in);
	return NULL;
}

/* ---- the writer ---------------------------------------------------------- */

struct writer {
	struct output *out;
	struct pool *pool;
	struct progress *progress;
	struct run_stats stats;
	struct diag_table *diags; /* diagnoses by signing domain */
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
		if (w->diags != NULL) {
			diag_table_add(w->diags, &b->diags);
		}
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
	fprintf(stderr, "  arc: pass %llu, fail %llu, none %llu\n",
	    (unsigned long long)st->arc[ARC_PASS],
	    (unsigned long long)st->arc[ARC_FAIL],
	    (unsigned long long)st->arc[ARC_NONE]);
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
	struct vcache *vcache;
	struct dkim_memo memo;
	uint64_t memo_hits;
	uint64_t body_hits;
	struct zone *zone;
	struct archive_files archive_files;
	struct dns_sources sources;
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
		if (r->workers[i].ctx.verifier != NULL) {
			r->memo_hits +=
			    dkim_verifier_memo_hits(r->workers[i].ctx.verifier);
			r->body_hits +=
			    dkim_verifier_body_hits(r->workers[i].ctx.verifier);
		}
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
	if (!cfg->no_verify_cache && !cfg->ingest_only) {
		r->vcache = vcache_new(
		    VCACHE_MAX_BYTES, (size_t)cfg->copy_cache_mb << 20);
		if (r->vcache == NULL) {
			return false;
		}
		r->memo = vcache_memo(r->vcache);
	}
	for (unsigned i = 0; i < cfg->jobs; i++) {
		struct worker *w = &r->workers[i];
		w->pool = r->pool;
		w->io = io;
		w->ctx.cfg = cfg;
		w->ctx.dns = dns_sources_view(&r->sources, &w->ctx.waits);
		w->ctx.pool = r->pool;
		w->ctx.parked_tail = &w->ctx.parked_head;
		w->ctx.park_budget =
		    env_u64("AUTHSWEEP_TEST_PARK_BUDGET", PROCESS_PARK_BUDGET);
		w->ctx.ready = dns_cache_ready;
		arena_init(&w->ctx.arena, (size_t)1 << 20);
		w->ctx.verifier = dkim_verifier_new();
		if (w->ctx.verifier != NULL && r->vcache != NULL) {
			dkim_verifier_set_memo(w->ctx.verifier, &r->memo);
		}
		if (w->ctx.verifier != NULL) {
			dkim_verifier_set_diagnose(
			    w->ctx.verifier, !cfg->no_diagnose);
		}
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

static void
kick(void *arg)
{
	pool_kick(arg);
}

/* setup_dns builds the run's DNS sources: --keys, --keys-archive, and the
 * shared cache (live unless --dns none, or when only files were given). */
static int
setup_dns(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	if (cfg->num_keys > 0) {
		if ((r->zone = zone_new()) == NULL ||
		    !load_keys(cfg, r->zone)) {
			return -1;
		}
		r->sources.keys = r->zone;
	}
	if (cfg->keys_archive != NULL) {
		struct archive_files *a = &r->archive_files;
		if (!list_archive(cfg->keys_archive, a)) {
			return -1;
		}
		r->sources.archive = dns_archive_new(load_snapshot, a);
		for (size_t i = 0; r->sources.archive != NULL && i < a->num;
		     i++) {
			(void)dns_archive_add(r->sources.archive, a->from[i]);
		}
		if (r->sources.archive == NULL) {
			return -1;
		}
	}
	bool live = cfg->dns != NULL
	    ? strcmp(cfg->dns, "none") != 0
	    : cfg->num_keys == 0 && cfg->keys_archive == NULL;
	if (!live && cfg->dns_cache == NULL) {
		return 0;
	}
	struct dns_cache_config cc = {
		.live = live,
		.resolver = {
		    .server = cfg->dns != NULL && strcmp(cfg->dns, "system") != 0
		        ? cfg->dns
		        : NULL,
		    .timeout_ms = cfg->dns_timeout_ms,
		    .tries = cfg->dns_tries,
		    .edns = true,
		},
		.notify = kick,
		.notify_arg = r->pool,
	};
	const char *why = NULL;
	if (dns_cache_new(&r->sources.cache, &cc, &why) != 0) {
		fprintf(stderr, "authsweep: --dns %s: %s\n",
		    cfg->dns != NULL ? cfg->dns : "system", why);
		return -1;
	}
	if (cfg->dns_cache != NULL) {
		struct outbuf text = { 0 };
		int err = read_whole(cfg->dns_cache, &text);
		struct zone_error ze = { 0, NULL };
		bool ok = err == -ENOENT ||
		    (err == 0 &&
		        dns_cache_load(r->sources.cache,
		            span_make(text.p, text.len), &ze));
		outbuf_free(&text);
		if (!ok) {
			fprintf(stderr, "authsweep: --dns-cache %s:%zu: %s\n",
			    cfg->dns_cache, ze.line,
			    err != 0 ? strerror(-err) : ze.what);
			return -1;
		}
	}
	return 0;
}

static bool
put_file(void *arg, const void *p, size_t n)
{
	return fwrite(p, 1, n, arg) == n;
}

/* save_dns_cache writes --dns-cache FILE: a new file renamed over the old
 * one, so that a crash leaves the old one whole. */
static void
save_dns_cache(const struct run *r)
{
	const char *path = r->cfg->dns_cache;
	if (path == NULL || r->sources.cache == NULL) {
		return;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	FILE *f = fopen(tmp, "wb");
	bool ok = f != NULL && dns_cache_dump(r->sources.cache, put_file, f);
	if (f != NULL) {
		ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
		ok = fclose(f) == 0 && ok;
	}
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "authsweep: --dns-cache %s: cannot save: %s\n",
		    path, strerror(errno));
		(void)unlink(tmp);
	}
}

static void
free_dns(struct run *r)
{
	dns_cache_free(r->sources.cache);
	dns_archive_free(r->sources.archive);
	archive_files_free(&r->archive_files);
	zone_free(r->zone);
	memset(&r->sources, 0, sizeof(r->sources));
	r->zone = NULL;
}

static int
setup(struct run *r, enum io_mode *io, const char **io_why, uint64_t *skip)
{
	const struct run_config *cfg = r->cfg;
	r->pool = pool_new(cfg->jobs * RUN_BATCHES_PER_WORKER + 4);
	if (r->pool == NULL || setup_dns(r) != 0) {
		return RUN_EXIT_USAGE;
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
	return RUN_EXIT_OK;
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
		free_dns(&r);
		pool_free(r.pool);
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
		.diags = diag_table_new(),
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
	struct dns_cache_stats ds = { 0 };
	if (r.sources.cache != NULL) {
		dns_cache_get_stats(r.sources.cache, &ds);
	}
	save_dns_cache(&r);
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
		if (r.vcache != NULL) {
			fprintf(stderr,
			    "  verify cache: %llu public-key checks and %llu "
			    "body hashes answered from copies seen before\n",
			    (unsigned long long)r.memo_hits,
			    (unsigned long long)r.body_hits);
		}
		if (w.diags != NULL) {
			diag_table_print(w.diags, stderr, 10);
		}
		if (r.sources.cache != NULL) {
			fprintf(stderr,
			    "  dns: %llu queries (%llu failed), %llu answers "
			    "held (%llu loaded), %llu lookups waited\n",
			    (unsigned long long)ds.queries,
			    (unsigned long long)ds.failures,
			    (unsigned long long)ds.answers,
			    (unsigned long long)ds.loaded,
			    (unsigned long long)ds.pending);
		}
	}
	free_dns(&r);
	diag_table_free(w.diags);
	pool_free(r.pool);
	vcache_free(r.vcache);
	return rc;
}
