/*
 * walk.c - lazy, deterministic listing of message files (see walk.h).
 *
 * The walker keeps a stack of frames, one per directory being listed.  A
 * frame holds the directory's entry names, sorted bytewise, packed into one
 * buffer.  Three kinds of frame exist: a tree directory (every regular file
 * is listed, subdirectories are entered), a maildir root (whose synthetic
 * entries are cur, new and its Maildir++ folders), and a maildir cur/ or
 * new/ (files only).
 */
#include "engine/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* WALK_MAX_DEPTH bounds the directory nesting; deeper entries are listed
 * with ELOOP. */
#define WALK_MAX_DEPTH 64

enum frame_kind { FRAME_TREE, FRAME_MAILDIR_ROOT, FRAME_MAILDIR_FILES };

struct frame {
	enum frame_kind kind;
	char *dir;    /* this directory's path */
	DIR *handle;  /* open while listed: entries are stat'ed relative to
	               * it, a one-component lookup instead of a full path */
	char *names;  /* NUL-separated entry names */
	size_t *offs; /* start of each name in |names|, sorted by name */
	size_t num, next;
};

struct walker {
	struct frame *stack;
	size_t depth, cap;
	char *root; /* set by walker_set_root, consumed by the first next */
	char *cur;  /* the path handed out by the last walker_next */
};

struct walker *
walker_new(void)
{
	return calloc(1, sizeof(struct walker));
}

static void
frame_free(struct frame *f)
{
	if (f->handle != NULL) {
		closedir(f->handle);
	}
	free(f->dir);
	free(f->names);
	free(f->offs);
}

void
walker_free(struct walker *w)
{
	if (w == NULL) {
		return;
	}
	for (size_t i = 0; i < w->depth; i++) {
		frame_free(&w->stack[i]);
	}
	free(w->stack);
	free(w->root);
	free(w->cur);
	free(w);
}

int
walker_set_root(struct walker *w, const char *path)
{
	char *copy = strdup(path);
	if (copy == NULL) {
		return -ENOMEM;
	}
	free(w->root);
	w->root = copy;
	return 0;
}

static char *
join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	bool slash = a > 0 && dir[a - 1] == '/';
	char *p = malloc(a + b + 2);
	if (p == NULL) {
		return NULL;
	}
	memcpy(p, dir, a);
	if (!slash) {
		p[a++] = '/';
	}
	memcpy(p + a, name, b + 1);
	return p;
}

static int
cmp_names(const void *x, const void *y, void *ctx)
{
	const char *names = ctx;
	return strcmp(names + *(const size_t *)x, names + *(const size_t *)y);
}

/* struct names is a growing packed list of names. */
struct names {
	char *buf;
	size_t len, cap;
	size_t *offs;
	size_t num, offs_cap;
};

static int
names_add(struct names *n, const char *name)
{
	size_t k = strlen(name) + 1;
	if (n->len + k > n->cap) {
		size_t cap = n->cap == 0 ? 4096 : n->cap;
		while (cap < n->len + k) {
			cap *= 2;
		}
		char *b = realloc(n->buf, cap);
		if (b == NULL) {
			return -ENOMEM;
		}
		n->buf = b;
		n->cap = cap;
	}
	if (n->num == n->offs_cap) {
		size_t cap = n->offs_cap == 0 ? 64 : n->offs_cap * 2;
		size_t *o = realloc(n->offs, cap * sizeof(*o));
		if (o == NULL) {
			return -ENOMEM;
		}
		n->offs = o;
		n->offs_cap = cap;
	}
	memcpy(n->buf + n->len, name, k);
	n->offs[n->num++] = n->len;
	n->len += k;
	return 0;
}

/* read_dir lists |dir| into |n| (without "." and "..") and sorts it, and
 * keeps the directory open in |*handle|.  It returns 0 or -errno. */
static int
read_dir(struct names *n, const char *dir, DIR **handle)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		return -errno;
	}
	int err = 0;
	struct dirent *e;
	errno = 0;
	while (err == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			err = names_add(n, e->d_name);
		}
		errno = 0;
	}
	if (err == 0 && errno != 0) {
		err = -errno;
	}
	if (err != 0) {
		closedir(d);
		return err;
	}
	*handle = d;
	if (n->num > 1) {
		qsort_r(n->offs, n->num, sizeof(*n->offs), cmp_names, n->buf);
	}
	return err;
}

static bool
is_dir_at(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat st;
	bool yes = p != NULL && lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return yes;
}

static bool
is_maildir(const char *dir)
{
	return is_dir_at(dir, "cur") && is_dir_at(dir, "new");
}

static int
push_frame(struct walker *w, enum frame_kind kind, char *dir, DIR *handle,
    struct names *n)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap == 0 ? 8 : w->cap * 2;
		struct frame *s = realloc(w->stack, cap * sizeof(*s));
		if (s == NULL) {
			return -ENOMEM;
		}
		w->stack = s;
		w->cap = cap;
	}
	struct frame *f = &w->stack[w->depth++];
	f->kind = kind;
	f->dir = dir;
	f->handle = handle;
	f->names = n->buf;
	f->offs = n->offs;
	f->num = n->num;
	f->next = 0;
	return 0;
}

/* set_item hands out |path| (taking ownership). */
static int
set_item(struct walker *w, struct walk_item *out, char *path, int error,
    bool in_maildir)
{
	free(w->cur);
	w->cur = path;
	out->path = path;
	out->error = error;
	out->in_maildir = in_maildir;
	out->size = 0;
	out->mtime = 0;
	return 1;
}

/* set_file hands out a file whose status |st| is known. */
static int
set_file(struct walker *w, struct walk_item *out, char *path,
    const struct stat *st, bool in_maildir)
{
	set_item(w, out, path, S_ISREG(st->st_mode) ? 0 : EINVAL, in_maildir);
	out->size = (uint64_t)st->st_size;
	out->mtime = (int64_t)st->st_mtime;
	return 1;
}

/* list_dir pushes a frame of |kind| listing directory |dir| (owned).  It
 * returns 0 when the frame is pushed, 1 with an item when the directory
 * cannot be listed, or -ENOMEM. */
static int
list_dir(
    struct walker *w, enum frame_kind kind, char *dir, struct walk_item *out)
{
	if (w->depth >= WALK_MAX_DEPTH) {
		return set_item(w, out, dir, ELOOP, false);
	}
	struct names n = { 0 };
	DIR *handle = NULL;
	int err = read_dir(&n, dir, &handle);
	if (err == 0 && kind == FRAME_MAILDIR_ROOT) {
		/* Synthetic entries: cur, new, then Maildir++ folders. */
		struct names md = { 0 };
		err = names_add(&md, "cur");
		if (err == 0) {
			err = names_add(&md, "new");
		}
		for (size_t i = 0; err == 0 && i < n.num; i++) {
			const char *name = n.buf + n.offs[i];
			if (name[0] == '.' && is_dir_at(dir, name)) {
				err = names_add(&md, name);
			}
		}
		free(n.buf);
		free(n.offs);
		n = md;
	}
	if (err == 0) {
		err = push_frame(w, kind, dir, handle, &n);
	}
	if (err == 0) {
		return 0;
	}
	if (handle != NULL) {
		closedir(handle);
	}
	free(n.buf);
	free(n.offs);
	if (err == -ENOMEM) {
		free(dir);
		return err;
	}
	return set_item(w, out, dir, -err, false);
}

/* enter_dir starts listing directory |dir| (owned) as a maildir or a tree;
 * returns as list_dir does. */
static int
enter_dir(struct walker *w, char *dir, struct walk_item *out)
{
	return list_dir(
	    w, is_maildir(dir) ? FRAME_MAILDIR_ROOT : FRAME_TREE, dir, out);
}

/* visit_maildir handles an entry of a maildir root: cur/ and new/ list
 * messages, ".Folder" entries that are maildirs are walked as such. */
static int
visit_maildir(struct walker *w, char *path, struct walk_item *out)
{
	const char *base = strrchr(path, '/') + 1;
	if (base[0] != '.') {
		return list_dir(w, FRAME_MAILDIR_FILES, path, out);
	}
	if (is_maildir(path)) {
		return list_dir(w, FRAME_MAILDIR_ROOT, path, out);
	}
	free(path);
	return 0;
}

/* visit handles entry |name|, whose path is |path| (owned), of frame |f|.
 * It returns 1 with an item, 0 when the entry produced no item (a
 * directory entered or skipped), or -ENOMEM. */
static int
visit(struct walker *w, const struct frame *f, const char *name, char *path,
    struct walk_item *out)
{
	enum frame_kind kind = f->kind;
	if (kind == FRAME_MAILDIR_ROOT) {
		return visit_maildir(w, path, out);
	}
	int dfd = dirfd(f->handle);
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		return set_item(w, out, path, errno, false);
	}
	if (S_ISDIR(st.st_mode)) {
		if (kind == FRAME_MAILDIR_FILES) {
			free(path); /* not a message, and not a folder */
			return 0;
		}
		return enter_dir(w, path, out);
	}
	if (S_ISLNK(st.st_mode)) {
		if (fstatat(dfd, name, &st, 0) != 0) {
			return set_item(w, out, path, errno, false);
		}
		if (S_ISDIR(st.st_mode)) {
			free(
			    path); /* not followed: links to directories loop */
			return 0;
		}
	}
	return set_file(w, out, path, &st, kind == FRAME_MAILDIR_FILES);
}

static int
start_root(struct walker *w, struct walk_item *out)
{
	char *root = w->root;
	w->root = NULL;
	struct stat st;
	if (stat(root, &st) != 0) {
		return set_item(w, out, root, errno, false);
	}
	if (!S_ISDIR(st.st_mode)) {
		return set_file(w, out, root, &st, false);
	}
	return enter_dir(w, root, out);
}

int
walker_next(struct walker *w, struct walk_item *out)
{
	if (w->root != NULL) {
		int r = start_root(w, out);
		if (r != 0) {
			return r;
		}
	}
	while (w->depth > 0) {
		struct frame *f = &w->stack[w->depth - 1];
		if (f->next == f->num) {
			frame_free(f);
			w->depth--;
			continue;
		}
		const char *name = f->names + f->offs[f->next++];
		char *path = join(f->dir, name);
		if (path == NULL) {
			return -ENOMEM;
		}
		int r = visit(w, f, name, path, out);
		if (r != 0) {
			return r;
		}
	}
	return 0;
}
