/*
 * source.h - the producer: inputs in, batches of messages out, in order.
 *
 * The producer walks the inputs (engine/walk.h), reads path lists from
 * standard input for "-", and decides what each file is:
 *  - a message file: every file in a maildir's cur/ or new/, every *.eml
 *    and *.msg file, and any other file that is neither compressed nor
 *    begins with an mbox separator line; workers read these;
 *  - an mbox: a file that begins with "From " or is gzip- or
 *    zstd-compressed; the producer reads and splits it itself (one stream
 *    cannot be shared among threads) and passes the messages' bytes in the
 *    batches, so that a single large archive still keeps every worker busy.
 * A message is identified by its path, and for an mbox by the offset of its
 * separator line in the (decompressed) stream.
 *
 * With a resume, the first |skip| messages are listed but not passed on.
 */
#ifndef AUTHSWEEP_ENGINE_SOURCE_H
#define AUTHSWEEP_ENGINE_SOURCE_H

#include <stdint.h>

#include "engine/config.h"
#include "engine/pool.h"

struct source_args {
	const struct run_config *cfg;
	struct pool *pool;
	uint64_t skip;
	int result; /* set by the thread: 0, or -ENOMEM */
};

/* source_main is the producer thread's body; |arg| is a struct
 * source_args.  It calls pool_producer_done when it ends. */
void *source_main(void *arg);

/* source_count_bytes returns the total size of the inputs (what the
 * producer will account as consumed), for the progress estimate; it walks
 * them the same way.  Inputs named "-" cannot be counted: it returns 0. */
uint64_t source_count_bytes(const struct run_config *cfg);

#endif /* AUTHSWEEP_ENGINE_SOURCE_H */
