/*
 * run.h - one `authsweep verify` run: inputs in, one record per message
 * out, in input order.
 *
 * Threads: one producer (engine/source.c) lists and splits the inputs into
 * batches; -j workers read (engine/ingest*.c) and verify (engine/process.c)
 * batches; the calling thread writes the batches in order (engine/output.c)
 * and checkpoints; an optional thread draws the progress line.
 */
#ifndef AUTHSWEEP_ENGINE_RUN_H
#define AUTHSWEEP_ENGINE_RUN_H

#include "engine/config.h"

/* Exit statuses of a run (README.md). */
enum run_exit {
	RUN_EXIT_OK = 0,   /* the run completed, whatever the verdicts */
	RUN_EXIT_IO = 1,   /* the results could not be written */
	RUN_EXIT_USAGE = 2 /* bad usage or an unusable input set */
};

/* run_verify performs a whole run and returns its exit status.  It prints
 * a one-line reason on stderr for RUN_EXIT_USAGE and RUN_EXIT_IO, and a
 * summary on stderr when the run completes. */
int run_verify(const struct run_config *cfg);

/* cmd_canon runs `authsweep canon ARGS` (argv[0] is "canon"): the
 * canonical header and body bytes of one message (engine/canoncmd.c).
 * Returns the exit status. */
int cmd_canon(int argc, char **argv);

#endif /* AUTHSWEEP_ENGINE_RUN_H */
