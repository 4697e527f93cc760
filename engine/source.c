/*
 * source.c - the producer thread (see source.h).
 */
#include "engine/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canon/limits.h"
#include "canon/mbox.h"
#include "engine/decomp.h"
#include "engine/walk.h"

/* SOURCE_READ_BUF is the read size for mbox streams. */
#define SOURCE_READ_BUF ((size_t)1 << 20)

struct producer {
	const struct run_config *cfg;
	struct pool *pool;
	uint64_t skip;
	bool aborted;
	struct batch *b;
	uint64_t pending_in;  /* consumed bytes not yet given to a batch */
	const char *path_src; /* the path last copied into the batch */
	const char *path_copy;
	/* The mbox being split. */
	const char *mbox_path;
	int64_t mbox_mtime;
	uint64_t mbox_msgs;
	const char *stream_error; /* decompression failed: why */
	bool in_msg;
	uint64_t msg_offset;
	int64_t msg_time;
	bool msg_too_big;
	uint8_t *msg;
	size_t msg_len, msg_cap;
	uint8_t *rbuf;
};

/* ---- batches ------------------------------------------------------------- */

static void
flush_batch(struct producer *pr)
{
	if (pr->b != NULL) {
		pool_submit(pr->pool, pr->b);
		pr->b = NULL;
	}
}

/* new_job returns the next job slot, or NULL when the message is skipped
 * (resume) or the run is aborted. */
static struct job *
new_job(struct producer *pr, const char *path)
{
	if (pr->skip > 0) {
		pr->skip--;
		return NULL;
	}
	if (pr->b == NULL) {
		pr->b = pool_get_free(pr->pool);
		if (pr->b == NULL) {
			pr->aborted = true;
			return NULL;
		}
		pr->path_src = NULL;
	}
	struct batch *b = pr->b;
	b->in_bytes += pr->pending_in;
	pr->pending_in = 0;
	if (pr->path_src != path) {
		size_t n = strlen(path) + 1;
		char *copy = arena_alloc(&b->mem, n);
		if (copy == NULL) {
			pr->aborted = true;
			return NULL;
		}
		memcpy(copy, path, n);
		pr->path_src = path;
		pr->path_copy = copy;
	}
	struct job *j = &b->jobs[b->num_jobs++];
	memset(j, 0, sizeof(*j));
	j->path = pr->path_copy;
	j->offset = -1;
	return j;
}

static void
job_done(struct producer *pr)
{
	if (pr->b != NULL &&
	    (pr->b->num_jobs == BATCH_MAX_JOBS ||
	        pr->b->inline_bytes >= BATCH_MAX_INLINE)) {
		flush_batch(pr);
	}
}

static const char *
batch_text(struct producer *pr, const char *prefix, const char *text)
{
	size_t a = strlen(prefix), b = strlen(text);
	char *p = arena_alloc(&pr->b->mem, a + b + 1);
	if (p == NULL) {
		return prefix;
	}
	memcpy(p, prefix, a);
	memcpy(p + a, text, b + 1);
	return p;
}

static void
add_error(struct producer *pr, const char *path, int error)
{
	struct job *j = new_job(pr, path);
	if (j != NULL) {
		j->kind = JOB_ERROR;
		j->error = error;
	}
	job_done(pr);
}

/* ---- mbox ---------------------------------------------------------------- */

static void
on_begin(void *ctx, uint64_t offset, struct span from_line, unsigned flags)
{
	struct producer *pr = ctx;
	(void)flags;
	pr->in_msg = true;
	pr->msg_offset = offset;
	pr->msg_len = 0;
	pr->msg_too_big = false;
	if (!mbox_from_time(from_line, &pr->msg_time)) {
		pr->msg_time = pr->mbox_mtime;
	}
}

static void
on_data(void *ctx, const uint8_t *p, size_t len)
{
	struct producer *pr = ctx;
	if (pr->msg_too_big) {
		return;
	}
	if (len > MSG_MAX_BYTES - pr->msg_len) {
		pr->msg_too_big = true;
		return;
	}
	if (pr->msg_len + len > pr->msg_cap) {
		size_t cap = pr->msg_cap == 0 ? 1 << 16 : pr->msg_cap;
		while (cap < pr->msg_len + len) {
			cap *= 2;
		}
		uint8_t *n = realloc(pr->msg, cap);
		if (n == NULL) {
			pr->msg_too_big = true;
			return;
		}
		pr->msg = n;
		pr->msg_cap = cap;
	}
	memcpy(pr->msg + pr->msg_len, p, len);
	pr->msg_len += len;
}

static void
on_end(void *ctx)
{
	struct producer *pr = ctx;
	pr->in_msg = false;
	pr->mbox_msgs++;
	struct job *j = new_job(pr, pr->mbox_path);
	if (j == NULL) {
		return;
	}
	j->offset = (int64_t)pr->msg_offset;
	j->fallback_time = pr->msg_time;
	if (pr->stream_error != NULL) {
		j->kind = JOB_ERROR;
		j->error_text = batch_text(
		    pr, "archive ends inside this message: ", pr->stream_error);
	} else if (pr->msg_too_big) {
		j->kind = JOB_ERROR;
		j->error = EFBIG;
	} else {
		uint8_t *copy = arena_alloc(
		    &pr->b->mem, pr->msg_len == 0 ? 1 : pr->msg_len);
		if (copy == NULL) {
			j->kind = JOB_ERROR;
			j->error = ENOMEM;
		} else {
			memcpy(copy, pr->msg, pr->msg_len);
			j->kind = JOB_INLINE;
			j->data = copy;
			j->len = pr->msg_len;
			pr->b->inline_bytes += pr->msg_len;
		}
	}
	job_done(pr);
}

static void
do_mbox(struct producer *pr, const char *path, int fd, int64_t mtime)
{
	struct decomp *d;
	int err = decomp_open(&d, fd);
	if (err != 0) {
		add_error(pr, path, -err);
		return;
	}
	pr->mbox_path = path;
	pr->mbox_mtime = mtime;
	pr->mbox_msgs = 0;
	pr->stream_error = NULL;
	pr->in_msg = false;
	struct mbox m;
	struct mbox_callbacks cb = { on_begin, on_data, on_end, pr };
	mbox_init(&m, pr->cfg->mbox_format, cb);
	uint64_t seen = 0, fed = 0;
	while (!pr->aborted) {
		const char *why = NULL;
		ssize_t n = decomp_read(d, pr->rbuf, SOURCE_READ_BUF, &why);
		uint64_t consumed = decomp_consumed(d);
		pr->pending_in += consumed - seen;
		seen = consumed;
		if (n > 0) {
			mbox_feed(&m, pr->rbuf, (size_t)n);
			fed += (uint64_t)n;
			continue;
		}
		if (n < 0) {
			pr->stream_error = why;
		}
		break;
	}
	bool cut_inside = pr->stream_error != NULL && pr->in_msg;
	mbox_finish(&m);
	if (!pr->aborted && pr->stream_error != NULL && !cut_inside) {
		/* The stream failed between messages: say so at that point. */
		struct job *j = new_job(pr, path);
		if (j != NULL) {
			j->kind = JOB_ERROR;
			j->offset = (int64_t)fed;
			j->error_text = batch_text(
			    pr, "archive unreadable: ", pr->stream_error);
		}
		job_done(pr);
	} else if (!pr->aborted && pr->mbox_msgs == 0) {
		struct job *j = new_job(pr, path);
		if (j != NULL) {
			j->kind = JOB_ERROR;
			j->error_text = "no message in this archive";
		}
		job_done(pr);
	}
	decomp_close(d);
}

/* ---- files --------------------------------------------------------------- */

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* is_stream reports whether |head| starts a compressed stream or an mbox. */
static bool
is_stream(const uint8_t *head, size_t n)
{
	static const uint8_t gz[] = { 0x1f, 0x8b };
	static const uint8_t zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	return (n >= 2 && memcmp(head, gz, 2) == 0) ||
	    (n >= 4 && memcmp(head, zst, 4) == 0) ||
	    mbox_looks_like(span_make(head, n));
}

static void
add_file(struct producer *pr, const struct walk_item *it)
{
	if (it->error != 0) {
		add_error(pr, it->path, it->error);
		return;
	}
	if (!it->in_maildir && !ends_with(it->path, ".eml") &&
	    !ends_with(it->path, ".msg")) {
		/* Not obviously one message: look at its first bytes. */
		int fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		uint8_t head[64];
		ssize_t n = fd < 0 ? -1 : pread(fd, head, sizeof(head), 0);
		struct stat st;
		if (n > 0 && is_stream(head, (size_t)n) &&
		    fstat(fd, &st) == 0) {
			/* do_mbox accounts the bytes it consumes. */
			do_mbox(pr, it->path, fd, (int64_t)st.st_mtime);
			return;
		}
		if (fd >= 0) {
			close(fd);
		}
	}
	pr->pending_in += it->size;
	struct job *j = new_job(pr, it->path);
	if (j != NULL) {
		j->kind = JOB_FILE;
		j->size = it->size;
		j->fallback_time = it->mtime;
	}
	job_done(pr);
}

static int
walk_input(struct producer *pr, struct walker *w, const char *path)
{
	int err = walker_set_root(w, path);
	struct walk_item it;
	while (err == 0 && !pr->aborted && (err = walker_next(w, &it)) > 0) {
		add_file(pr, &it);
		err = 0;
	}
	return err < 0 ? err : 0;
}

static int
walk_stdin(struct producer *pr, struct walker *w)
{
	int delim = pr->cfg->stdin_nul ? '\0' : '\n';
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;
	while (err == 0 && !pr->aborted &&
	    (n = getdelim(&line, &cap, delim, stdin)) > 0) {
		if (line[n - 1] == delim) {
			line[--n] = '\0';
		}
		if (delim == '\n' && n > 0 && line[n - 1] == '\r') {
			line[--n] = '\0';
		}
		if (n > 0) {
			err = walk_input(pr, w, line);
		}
	}
	free(line);
	return err;
}

void *
source_main(void *arg)
{
	struct source_args *a = arg;
	struct producer pr;
	memset(&pr, 0, sizeof(pr));
	pr.cfg = a->cfg;
	pr.pool = a->pool;
	pr.skip = a->skip;
	pr.rbuf = malloc(SOURCE_READ_BUF);
	struct walker *w = walker_new();
	int err = pr.rbuf == NULL || w == NULL ? -ENOMEM : 0;
	for (size_t i = 0; err == 0 && i < a->cfg->num_inputs && !pr.aborted;
	     i++) {
		const char *in = a->cfg->inputs[i];
		err = strcmp(in, "-") == 0 ? walk_stdin(&pr, w)
		                           : walk_input(&pr, w, in);
	}
	if (pr.b != NULL) {
		pr.b->in_bytes += pr.pending_in;
	}
	flush_batch(&pr);
	pool_producer_done(pr.pool);
	walker_free(w);
	free(pr.rbuf);
	free(pr.msg);
	a->result = err;
	return NULL;
}

uint64_t
source_count_bytes(const struct run_config *cfg)
{
	struct walker *w = walker_new();
	uint64_t total = 0;
	for (size_t i = 0; w != NULL && i < cfg->num_inputs; i++) {
		if (strcmp(cfg->inputs[i], "-") == 0 ||
		    walker_set_root(w, cfg->inputs[i]) != 0) {
			total = 0;
			break;
		}
		struct walk_item it;
		while (walker_next(w, &it) > 0) {
			total += it.size;
		}
	}
	walker_free(w);
	return total;
}
