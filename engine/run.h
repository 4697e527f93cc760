/*
 * run.h - the `authsweep verify` run: inputs in, one record per message out.
 */
#ifndef AUTHSWEEP_ENGINE_RUN_H
#define AUTHSWEEP_ENGINE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/record.h"

struct run_config {
	const char **keys; /* --keys files */
	size_t num_keys;
	bool have_now; /* --now given */
	int64_t now;
	enum record_format format;
	const char *output; /* NULL: standard output */
	const char **inputs;
	size_t num_inputs;
};

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

#endif /* AUTHSWEEP_ENGINE_RUN_H */
