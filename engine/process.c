/*
 * process.c - one message from bytes to record (see process.h).
 *
 * The evaluation time is --now, else the newest Received date, else the
 * fallback the input gives (the mbox separator's date, or the file's
 * modification time), else 0.  Nothing here reads the clock, so two runs
 * over the same input write the same bytes.
 */
#include "engine/process.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canon/datetime.h"
#include "canon/limits.h"
#include "canon/msg.h"
#include "engine/ingest.h"

static const char *
error_text(int err, char *buf, size_t cap)
{
	if (err == EFBIG) {
		snprintf(buf, cap, "message larger than %zu MiB",
		    MSG_MAX_BYTES >> 20);
	} else if (err == EINVAL) {
		snprintf(buf, cap, "not a regular file");
	} else {
		snprintf(buf, cap, "cannot read: %s", strerror(err));
	}
	return buf;
}

/* base_time sets the time a record gets when its message yields none. */
static void
base_time(const struct run_config *cfg, const struct job *job, int64_t mtime,
    struct record *rec)
{
	if (cfg->have_now) {
		rec->time = cfg->now;
		rec->time_source = TIME_GIVEN;
	} else if (job->offset >= 0 && job->fallback_time > 0) {
		rec->time = job->fallback_time;
		rec->time_source = TIME_FROM;
	} else if (mtime > 0) {
		rec->time = mtime;
		rec->time_source = TIME_MTIME;
	} else {
		rec->time = 0;
		rec->time_source = TIME_NONE;
	}
}

static void
emit(struct batch *b, const struct run_config *cfg, const struct record *rec)
{
	record_write(&b->out, cfg->format, rec);
}

void
process_message(struct worker_ctx *w, struct batch *b, const struct job *job,
    const uint8_t *data, size_t len, int error, int64_t mtime)
{
	const struct run_config *cfg = w->cfg;
	struct record rec = { .path = job->path, .offset = job->offset };
	char text[160];
	if (mtime == 0) {
		mtime = job->fallback_time;
	}
	base_time(cfg, job, mtime, &rec);
	b->stats.messages++;
	if (error != 0 || job->error_text != NULL) {
		rec.error = job->error_text != NULL
		    ? job->error_text
		    : error_text(error, text, sizeof(text));
		b->stats.errors++;
		emit(b, cfg, &rec);
		return;
	}
	b->stats.bytes += len;
	if (cfg->ingest_only) {
		return;
	}
	arena_reset(&w->arena);
	struct msg m;
	struct dkim_outcome outcome;
	enum msg_status ms = msg_parse(&m, &w->arena, data, len);
	if (ms == MSG_OK) {
		int64_t t;
		if (!cfg->have_now && datetime_received(&m, &t)) {
			rec.time = t;
			rec.time_source = TIME_RECEIVED;
		}
		if (!dkim_verify(w->verifier, &outcome, &m, w->dns, rec.time,
		        &w->arena)) {
			ms = MSG_ERR_NOMEM;
		}
	}
	if (ms != MSG_OK) {
		snprintf(
		    text, sizeof(text), "cannot parse: %s", msg_status_str(ms));
		rec.error = text;
		b->stats.errors++;
		emit(b, cfg, &rec);
		return;
	}
	rec.dkim = &outcome;
	stats_count_dkim(&b->stats, &outcome);
	emit(b, cfg, &rec);
}

void
process_batch(struct worker_ctx *w, struct ingest *in, struct batch *b)
{
	ingest_start(in, b);
	for (size_t i = 0; i < b->num_jobs; i++) {
		const struct job *job = &b->jobs[i];
		switch (job->kind) {
		case JOB_FILE: {
			struct ingest_result r;
			ingest_get(in, i, &r);
			process_message(w, b, job, r.data, r.len, r.error, 0);
			ingest_put(in, i);
			break;
		}
		case JOB_INLINE:
			process_message(w, b, job, job->data, job->len, 0, 0);
			break;
		case JOB_ERROR:
			process_message(w, b, job, NULL, 0, job->error, 0);
			break;
		}
	}
	ingest_finish(in);
}
