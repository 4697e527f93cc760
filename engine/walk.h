/*
 * walk.h - turning inputs into message files, lazily and in a fixed order.
 *
 * An input is a single file, a maildir or a directory tree.  The walk is
 * deterministic: entries are visited in byte order of their names, so two
 * runs over the same tree see the same files in the same order.  It is lazy:
 * only the directories on the path to the current entry are held, one
 * sorted name list each, so memory follows the largest directory, not the
 * size of the tree.
 *
 *  - A directory with both cur/ and new/ subdirectories is a maildir: its
 *    cur/ and new/ files are messages, tmp/ is skipped (messages there are
 *    still being delivered), and subdirectories whose names start with "."
 *    are walked as Maildir++ folders.  Other files in a maildir's root
 *    (dovecot indexes and the like) are not messages.
 *  - Any other directory is walked recursively; every regular file in it is
 *    listed.
 *  - Symbolic links to files are followed; symbolic links to directories
 *    inside a tree are not (they would allow loops).  An input named
 *    directly is followed whatever it is.
 *
 * Nothing is dropped silently: an entry that cannot be examined (a
 * directory that cannot be opened, a dangling link, a link loop, a special
 * file) is still listed, with the errno that explains it, so that it gets a
 * record.
 */
#ifndef AUTHSWEEP_ENGINE_WALK_H
#define AUTHSWEEP_ENGINE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct walk_item is one listed path.  |path| is borrowed: valid until the
 * next walker call. */
struct walk_item {
	const char *path;
	int error;       /* 0, or the errno that prevents reading it */
	bool in_maildir; /* a file in a maildir's cur/ or new/ */
	uint64_t size;   /* its size when listed, 0 when unknown */
	int64_t mtime;   /* its modification time when listed, or 0 */
};

struct walker;

/* walker_new returns an empty walker, or NULL when out of memory. */
struct walker *walker_new(void);

/* walker_free releases |w|; NULL is accepted. */
void walker_free(struct walker *w);

/* walker_set_root makes |path| (a file, a maildir or a tree) the input to
 * walk next.  The previous input must be exhausted.  Returns 0 or
 * -ENOMEM. */
int walker_set_root(struct walker *w, const char *path);

/* walker_next stores the next item of the current input in |*out| and
 * returns 1, returns 0 when the input is exhausted, or -ENOMEM. */
int walker_next(struct walker *w, struct walk_item *out);

#endif /* AUTHSWEEP_ENGINE_WALK_H */
