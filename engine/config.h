/*
 * config.h - what a run is asked to do, as parsed from the command line.
 */
#ifndef AUTHSWEEP_ENGINE_CONFIG_H
#define AUTHSWEEP_ENGINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/mbox.h"
#include "engine/record.h"

enum io_mode {
	IO_AUTO,  /* io_uring when the kernel allows it, else pread */
	IO_URING, /* io_uring or fail */
	IO_PREAD  /* plain open/fstat/pread/close */
};

struct run_config {
	const char **keys; /* --keys files */
	size_t num_keys;
	const char *keys_archive; /* --keys-archive DIR */
	/* --dns: NULL when not given; "system" for the system's resolvers,
	 * "none" for no live DNS, else HOST[:PORT]. */
	const char *dns;
	unsigned dns_timeout_ms; /* --dns-timeout, 0 for the default */
	unsigned dns_tries;      /* --dns-tries, 0 for the default */
	const char *dns_cache;   /* --dns-cache FILE */
	bool have_now;           /* --now given */
	int64_t now;
	enum record_format format;
	const char *output;  /* -o, NULL for standard output */
	const char **inputs; /* "-" reads paths from standard input */
	size_t num_inputs;
	bool stdin_nul;  /* -0: paths on stdin end in NUL, not LF */
	unsigned jobs;   /* -j, worker threads */
	enum io_mode io; /* --io */
	enum mbox_format mbox_format;
	bool resume;            /* --resume */
	bool progress;          /* show the live progress line */
	bool ingest_only;       /* --ingest-only: read, verify nothing */
	bool no_verify_cache;   /* --no-verify-cache */
	unsigned copy_cache_mb; /* --copy-cache: MB for the bodies of copies */
	bool no_diagnose;       /* --no-diagnose */
};

#endif /* AUTHSWEEP_ENGINE_CONFIG_H */
