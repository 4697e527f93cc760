/*
 * progress.h - the live progress line on stderr.
 *
 * On a terminal the line is redrawn four times a second: messages, msg/s,
 * MB/s and, once the inputs' total size is known (it is counted by the same
 * thread while the run goes on; impossible for paths read from standard
 * input), the share done and an estimate of the time left.  When stderr is
 * not a terminal, the line is written only with --progress, as a new line
 * every few seconds.
 */
#ifndef AUTHSWEEP_ENGINE_PROGRESS_H
#define AUTHSWEEP_ENGINE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/config.h"

struct progress;

/* progress_start starts the progress thread, or returns NULL when nothing
 * is to be shown (or on failure, which only loses the progress line). */
struct progress *progress_start(const struct run_config *cfg, bool tty);

/* progress_update publishes the writer's totals: messages written, message
 * bytes and input bytes consumed. */
void progress_update(
    struct progress *p, uint64_t messages, uint64_t bytes, uint64_t in_bytes);

/* progress_stop ends the thread and clears the line; NULL is accepted. */
void progress_stop(struct progress *p);

#endif /* AUTHSWEEP_ENGINE_PROGRESS_H */
