/*
 * output.h - the results file: written aside, checkpointed, renamed when
 * complete, resumable after a crash.
 *
 * With -o FILE, records go to FILE.partial.  Every checkpoint makes what
 * was written durable (a zstd frame is ended first, so the file is a valid
 * sequence of frames, then fdatasync) and then records, atomically (write
 * FILE.ckpt.tmp, fsync, rename), how many records and bytes the partial
 * file holds and a fingerprint of the run's options.  When the run
 * completes, FILE.partial is renamed to FILE and the checkpoint removed.
 *
 * --resume reads FILE.ckpt, refuses a checkpoint of another run (a
 * different fingerprint), cuts FILE.partial back to the checkpointed size
 * and tells the caller how many records to skip: the inputs are walked in
 * the same order, so the records that follow are exactly those an
 * uninterrupted run would have written.  Without a checkpoint, --resume
 * starts from the beginning.
 *
 * Standard output has no partial file and no checkpoints.
 */
#ifndef AUTHSWEEP_ENGINE_OUTPUT_H
#define AUTHSWEEP_ENGINE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output;

/* output_open opens the results for |path| (NULL: standard output).  A path
 * ending in ".zst" is written zstd-compressed.  With |resume|, it continues
 * from the checkpoint if one matches |fingerprint| and stores the number of
 * records already written in |*skip|.  On failure it returns -errno, or
 * -ESTALE for a checkpoint of another run, and sets |*why| to a static
 * description. */
int output_open(struct output **out, const char *path, bool resume,
    uint64_t fingerprint, uint64_t *skip, const char **why);

/* output_write appends |len| bytes of records.  Returns 0 or -errno. */
int output_write(struct output *o, const void *p, size_t len);

/* output_checkpoint makes everything written durable and records that
 * |records| records (counting from the start of the run) are in the
 * file.  A no-op on standard output.  Returns 0 or -errno. */
int output_checkpoint(struct output *o, uint64_t records);

/* output_finish completes the file: flush, sync, rename into place, remove
 * the checkpoint; then frees |o|.  Returns 0 or -errno. */
int output_finish(struct output *o);

/* output_abandon frees |o| and leaves the partial file and checkpoint for a
 * later --resume; NULL is accepted. */
void output_abandon(struct output *o);

/* output_compressed reports whether records are written zstd-compressed. */
bool output_compressed(const struct output *o);

#endif /* AUTHSWEEP_ENGINE_OUTPUT_H */
