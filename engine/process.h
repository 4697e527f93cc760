/*
 * process.h - one message: parse, settle its evaluation time, verify,
 * write its record.
 */
#ifndef AUTHSWEEP_ENGINE_PROCESS_H
#define AUTHSWEEP_ENGINE_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "auth/dkim.h"
#include "canon/arena.h"
#include "dns/view.h"
#include "engine/batch.h"
#include "engine/config.h"

/* struct worker_ctx is what a worker thread owns for processing: its arena
 * and verifier, never shared. */
struct worker_ctx {
	const struct run_config *cfg;
	const struct dns_view *dns;
	struct arena arena;
	struct dkim_verifier *verifier;
};

/* process_message verifies the message |data|/|len| of |job| (or records
 * |error|, an errno, when it could not be read; |mtime| is the file's
 * modification time or 0) and appends its record to b->out, counting it in
 * b->stats. */
void process_message(struct worker_ctx *w, struct batch *b,
    const struct job *job, const uint8_t *data, size_t len, int error,
    int64_t mtime);

/* process_batch reads (through |in|) and processes every job of |b|. */
struct ingest;
void process_batch(struct worker_ctx *w, struct ingest *in, struct batch *b);

#endif /* AUTHSWEEP_ENGINE_PROCESS_H */
