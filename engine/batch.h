/*
 * batch.h - the unit of work passed between the producer, the workers and
 * the writer.
 *
 * The producer lists messages in input order and packs them into batches
 * of consecutive messages.  A worker reads (for message files) and verifies
 * a whole batch, appending one record per message to the batch's output,
 * in order.  The writer writes batches in the order they were made.  So
 * records come out in input order whatever the number of workers, and the
 * number of batches alive at once bounds the memory of a run.
 */
#ifndef AUTHSWEEP_ENGINE_BATCH_H
#define AUTHSWEEP_ENGINE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "canon/arena.h"
#include "engine/diagstats.h"
#include "engine/record.h"
#include "engine/stats.h"

/* BATCH_MAX_JOBS is the most messages in one batch: enough to amortize the
 * hand-offs (each wakes a thread; at 64, the wake-ups and the preemptions
 * they cause were 1-2% of a run on two cores) and to keep a worker's I/O
 * queue full. */
#define BATCH_MAX_JOBS 256

/* BATCH_MAX_INLINE closes a batch once this many bytes of mbox messages
 * are held in it. */
#define BATCH_MAX_INLINE ((size_t)4 << 20)

enum job_kind {
	JOB_FILE,   /* a message file, read by the worker */
	JOB_INLINE, /* a message whose bytes the producer holds (mbox) */
	JOB_ERROR   /* nothing to read: the record says why */
};

struct job {
	enum job_kind kind;
	const char *path;       /* batch memory */
	int64_t offset;         /* inside an mbox, else -1 */
	int error;              /* JOB_ERROR: an errno, or 0 with error_text */
	const char *error_text; /* static or batch memory */
	const uint8_t *data;    /* JOB_INLINE */
	size_t len;
	/* fallback_time is the arrival time to use when the message has no
	 * Received date: the mbox separator's date or the file's mtime
	 * when listed; 0 when unknown. */
	int64_t fallback_time;
	/* JOB_FILE: the size the file had when listed; it is read up to
	 * that size (MSG_MAX_BYTES at most). */
	uint64_t size;
};

/* struct splice says where the record of a message set aside for DNS goes:
 * at offset |at| of the batch's records, taken from |off|, |len| of its
 * late records. */
struct splice {
	size_t at, off, len;
};

struct batch {
	uint64_t id; /* position in the run, from 0 */
	size_t num_jobs;
	struct job jobs[BATCH_MAX_JOBS];
	struct arena mem; /* paths and mbox message bytes */
	size_t inline_bytes;
	uint64_t in_bytes;        /* input bytes consumed, for progress */
	struct outbuf out;        /* the records, filled by the worker */
	struct run_stats stats;   /* counts for this batch's messages */
	struct diag_events diags; /* its diagnoses, by signing domain */
	/* Messages set aside until their DNS answers come in (see
	 * engine/process.c): how many are still waiting, and where their
	 * records, written to |late| when they are done, will go. */
	size_t num_waiting;
	size_t num_splices;
	struct splice splices[BATCH_MAX_JOBS];
	struct outbuf late;
	struct batch *next; /* queue or free-list link */
};

#endif /* AUTHSWEEP_ENGINE_BATCH_H */
