/*
 * process.c - one message from bytes to record (see process.h).
 *
 * The evaluation time is --now, else the newest Received date, else the
 * fallback the input gives (the mbox separator's date, or the file's
 * modification time), else 0.  Nothing here reads the clock, so two runs
 * over the same input write the same bytes.
 *
 * Set-aside messages (see process.h) are kept in the worker's list in the
 * order they were set aside; each knows its batch, its job and the splice
 * slot its record will fill.
 */
#include "engine/process.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/datetime.h"
#include "canon/limits.h"
#include "canon/msg.h"
#include "engine/ingest.h"
#include "engine/pool.h"

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

/* struct parked is one message set aside until its DNS answers are in. */
struct parked {
	struct parked *next;
	struct batch *b;
	size_t job;
	size_t splice; /* index in b->splices */
	int64_t mtime;
	struct dns_waits waits;
	const uint8_t *data; /* |copy|, or batch memory for mbox messages */
	size_t len;
	bool owned;
	uint8_t copy[];
};

bool
process_message(struct worker_ctx *w, struct batch *b, struct outbuf *out,
    const struct job *job, const uint8_t *data, size_t len, int error,
    int64_t mtime)
{
	const struct run_config *cfg = w->cfg;
	struct record rec = { .path = job->path, .offset = job->offset };
	char text[160];
	if (mtime == 0) {
		mtime = job->fallback_time;
	}
	base_time(cfg, job, mtime, &rec);
	if (error != 0 || job->error_text != NULL) {
		rec.error = job->error_text != NULL
		    ? job->error_text
		    : error_text(error, text, sizeof(text));
		b->stats.messages++;
		b->stats.errors++;
		record_write(out, cfg->format, &rec);
		return true;
	}
	if (cfg->ingest_only) {
		b->stats.messages++;
		b->stats.bytes += len;
		return true;
	}
	arena_reset(&w->arena);
	dns_waits_clear(&w->waits);
	struct msg m;
	struct dkim_outcome outcome;
	struct arc_outcome arc;
	enum msg_status ms = msg_parse(&m, &w->arena, data, len);
	if (ms == MSG_OK) {
		int64_t t;
		if (!cfg->have_now && datetime_received(&m, &t)) {
			rec.time = t;
			rec.time_source = TIME_RECEIVED;
		}
		if (!auth_verify(w->verifier, &outcome, &arc, &m, &w->dns,
		        rec.time, &w->arena)) {
			ms = MSG_ERR_NOMEM;
		} else if (outcome.pending) {
			return false;
		}
	}
	b->stats.messages++;
	b->stats.bytes += len;
	if (ms != MSG_OK) {
		snprintf(
		    text, sizeof(text), "cannot parse: %s", msg_status_str(ms));
		rec.error = text;
		b->stats.errors++;
		record_write(out, cfg->format, &rec);
		return true;
	}
	rec.dkim = &outcome;
	rec.arc = &arc;
	stats_count_dkim(&b->stats, &outcome);
	stats_count_arc(&b->stats, &arc);
	for (size_t i = 0; i < outcome.num_sigs; i++) {
		const struct dkim_result *r = &outcome.sigs[i];
		if (r->diag != DKIM_DIAG_NONE) {
			diag_events_add(&b->diags, r->d, r->diag);
		}
	}
	record_write(out, cfg->format, &rec);
	return true;
}

static bool
all_ready(const struct worker_ctx *w, const struct dns_waits *ws)
{
	for (size_t i = 0; i < ws->num; i++) {
		if (!w->ready(ws->handles[i])) {
			return false;
		}
	}
	return true;
}

/* park sets the message aside; false when out of memory (the caller then
 * waits for it in place). */
static bool
park(struct worker_ctx *w, struct batch *b, size_t job, const uint8_t *data,
    size_t len, int64_t mtime)
{
	bool copy = b->jobs[job].kind != JOB_INLINE;
	if (copy && w->parked_bytes + len > w->park_budget) {
		return false;
	}
	struct parked *p = malloc(sizeof(*p) + (copy ? len : 0));
	if (p == NULL) {
		return false;
	}
	p->next = NULL;
	p->b = b;
	p->job = job;
	p->mtime = mtime;
	p->waits = w->waits;
	p->owned = copy;
	p->len = len;
	if (copy && len > 0) {
		memcpy(p->copy, data, len);
	}
	p->data = copy ? p->copy : data;
	if (copy) {
		w->parked_bytes += len;
	}
	p->splice = b->num_splices++;
	b->splices[p->splice] = (struct splice){ b->out.len, 0, 0 };
	b->num_waiting++;
	*w->parked_tail = p;
	w->parked_tail = &p->next;
	return true;
}

/* handle processes one message of the batch's first pass.  When its
 * answers are pending and the set-aside budget is spent, it finishes
 * set-aside messages whose answers are in (which frees budget), or waits
 * for more answers, until it can set this one aside or its own answers
 * are in.  Waiting for one message at a time instead would cost a round
 * trip per message. */
static void
handle(struct worker_ctx *w, struct batch *b, size_t i, const uint8_t *data,
    size_t len, int error)
{
	const struct job *job = &b->jobs[i];
	while (!process_message(w, b, &b->out, job, data, len, error, 0)) {
		if (park(w, b, i, data, len, 0) || pool_aborted(w->pool)) {
			return;
		}
		uint64_t seen = pool_kicks(w->pool);
		struct dns_waits mine = w->waits;
		if (!process_resume(w, NULL, NULL) && !all_ready(w, &mine)) {
			pool_wait_kick(w->pool, seen);
		}
	}
}

/* splice_late puts the late records of |b| in their places. */
static void
splice_late(struct batch *b)
{
	if (b->num_splices == 0) {
		return;
	}
	struct outbuf merged = { 0 };
	size_t from = 0;
	for (size_t i = 0; i < b->num_splices; i++) {
		const struct splice *s = &b->splices[i];
		outbuf_put(&merged, b->out.p + from, s->at - from);
		outbuf_put(&merged, b->late.p + s->off, s->len);
		from = s->at;
	}
	outbuf_put(&merged, b->out.p + from, b->out.len - from);
	if (merged.failed || b->late.failed) {
		b->out.failed = true;
		outbuf_free(&merged);
		return;
	}
	outbuf_free(&b->out);
	b->out = merged;
}

static void
complete(struct worker_ctx *w, struct batch *b)
{
	splice_late(b);
	pool_complete(w->pool, b);
}

void
process_batch(struct worker_ctx *w, struct ingest *in, struct batch *b)
{
	/* Until the first pass ends, the batch counts as waiting once more,
	 * so that no resume completes it early. */
	b->num_waiting++;
	ingest_start(in, b);
	for (size_t i = 0; i < b->num_jobs; i++) {
		const struct job *job = &b->jobs[i];
		switch (job->kind) {
		case JOB_FILE: {
			struct ingest_result r;
			ingest_get(in, i, &r);
			handle(w, b, i, r.data, r.len, r.error);
			ingest_put(in, i);
			break;
		}
		case JOB_INLINE:
			handle(w, b, i, job->data, job->len, 0);
			break;
		case JOB_ERROR:
			handle(w, b, i, NULL, 0, job->error);
			break;
		}
	}
	ingest_finish(in);
	if (--b->num_waiting == 0) {
		complete(w, b);
	}
}

bool
process_resume(struct worker_ctx *w, void (*between)(void *arg), void *arg)
{
	bool any = false;
	struct parked **at = &w->parked_head;
	while (*at != NULL) {
		struct parked *p = *at;
		if (!all_ready(w, &p->waits)) {
			at = &p->next;
			continue;
		}
		struct batch *b = p->b;
		size_t off = b->late.len;
		if (!process_message(w, b, &b->late, &b->jobs[p->job], p->data,
		        p->len, 0, p->mtime)) {
			/* More lookups: wait for those too. */
			p->waits = w->waits;
			at = &p->next;
			continue;
		}
		any = true;
		b->splices[p->splice].off = off;
		b->splices[p->splice].len = b->late.len - off;
		*at = p->next;
		if (w->parked_tail == &p->next) {
			w->parked_tail = at;
		}
		if (p->owned) {
			w->parked_bytes -= p->len;
		}
		free(p);
		if (--b->num_waiting == 0) {
			complete(w, b);
		}
		if (between != NULL) {
			between(arg);
		}
	}
	return any;
}

bool
process_has_parked(const struct worker_ctx *w)
{
	return w->parked_head != NULL;
}

void
process_drop_parked(struct worker_ctx *w)
{
	struct parked *p = w->parked_head;
	while (p != NULL) {
		struct parked *next = p->next;
		free(p);
		p = next;
	}
	w->parked_head = NULL;
	w->parked_tail = &w->parked_head;
	w->parked_bytes = 0;
}
