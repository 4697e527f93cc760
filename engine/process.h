/*
 * process.h - one message: parse, settle its evaluation time, verify,
 * write its record; and the worker's handling of messages whose DNS
 * answers are not in yet.
 *
 * Workers never wait for DNS.  A message whose keys the shared cache has
 * not got yet (dkim_outcome.pending) is set aside: its bytes are copied
 * (mbox messages already live in the batch), and the worker goes on with
 * the rest of the batch and with further batches, whose lookups start
 * their own queries early.  When the cache's thread kicks the pool, the
 * worker takes up every set-aside message whose answers are all in, and
 * writes its record to the batch's |late| buffer; once a batch has no
 * message waiting, its late records are spliced into place and the batch
 * goes to the writer, so records stay in input order.  Set-aside bytes are
 * bounded per worker (PROCESS_PARK_BUDGET); past it, the worker waits for
 * the message's answers in place.
 */
#ifndef AUTHSWEEP_ENGINE_PROCESS_H
#define AUTHSWEEP_ENGINE_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/dkim.h"
#include "canon/arena.h"
#include "dns/view.h"
#include "engine/batch.h"
#include "engine/config.h"

/* PROCESS_PARK_BUDGET bounds the copied bytes of the messages one worker
 * holds set aside: 24 batches of 256 typical messages fit, which keeps
 * queries in flight far longer than any DNS round trip. */
#define PROCESS_PARK_BUDGET ((size_t)64 << 20)

struct parked;
struct pool;

/* struct worker_ctx is what a worker thread owns for processing: its arena,
 * verifier, DNS view and set-aside messages, never shared. */
struct worker_ctx {
	const struct run_config *cfg;
	struct dns_view dns; /* records pending lookups in |waits| */
	struct dns_waits waits;
	struct arena arena;
	struct dkim_verifier *verifier;
	struct pool *pool;
	struct parked *parked_head, **parked_tail;
	size_t parked_bytes;
	size_t park_budget; /* PROCESS_PARK_BUDGET, lower in tests */
	bool (*ready)(const void *handle); /* dns_cache_ready */
};

/* process_message verifies the message |data|/|len| of |job| (or records
 * |error|, an errno, when it could not be read; |mtime| is the file's
 * modification time or 0), appends its record to |out| and counts it in
 * b->stats.  It returns false, having written and counted nothing, when a
 * DNS answer is pending (w->waits says which). */
bool process_message(struct worker_ctx *w, struct batch *b, struct outbuf *out,
    const struct job *job, const uint8_t *data, size_t len, int error,
    int64_t mtime);

/* process_batch reads (through |in|) and processes every job of |b|,
 * setting aside those waiting for DNS; it hands |b| to the writer when
 * none is left waiting. */
struct ingest;
void process_batch(struct worker_ctx *w, struct ingest *in, struct batch *b);

/* process_resume takes up every set-aside message whose answers are in,
 * calling |between| (if not NULL) after each, and completes the batches
 * left with none waiting.  Returns whether any message was taken up. */
bool process_resume(
    struct worker_ctx *w, void (*between)(void *arg), void *arg);

/* process_has_parked says whether messages are set aside. */
bool process_has_parked(const struct worker_ctx *w);

/* process_drop_parked forgets the set-aside messages (an aborted run). */
void process_drop_parked(struct worker_ctx *w);

#endif /* AUTHSWEEP_ENGINE_PROCESS_H */
