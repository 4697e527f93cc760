/*
 * walk.h - turning command-line inputs into a list of message files.
 *
 * An input is a single file, a maildir or a directory tree.  The walk is
 * deterministic: entries are visited in byte order of their names, so two
 * runs over the same tree list the same files in the same order.
 *
 *  - A directory with both cur/ and new/ subdirectories is a maildir: its
 *    cur/ and new/ files are messages, tmp/ is skipped (messages there are
 *    still being delivered), and subdirectories whose names start with "."
 *    are walked as Maildir++ folders.  Other files in a maildir's root
 *    (dovecot indexes and the like) are not messages.
 *  - Any other directory is walked recursively; every regular file in it is
 *    a message.
 *  - Symbolic links to files are followed; symbolic links to directories
 *    are not (they would allow loops).
 *
 * Nothing is dropped silently: an entry that cannot be examined (a
 * directory that cannot be opened, a dangling link, a special file) is
 * still listed, with the errno that explains it, so that it gets a record.
 */
#ifndef AUTHSWEEP_ENGINE_WALK_H
#define AUTHSWEEP_ENGINE_WALK_H

#include <stddef.h>

/* struct walk_item is one listed path. */
struct walk_item {
	char *path; /* owned */
	int error;  /* 0, or the errno that prevents reading it */
};

/* struct walk_list is a growing list of items. */
struct walk_list {
	struct walk_item *items;
	size_t num_items;
	size_t cap;
};

/* walk_add_input lists |path| (a file, a maildir or a tree) at the end of
 * |list|.  It returns 0, or -ENOMEM. */
int walk_add_input(struct walk_list *list, const char *path);

/* walk_list_free releases everything in |list|. */
void walk_list_free(struct walk_list *list);

#endif /* AUTHSWEEP_ENGINE_WALK_H */
