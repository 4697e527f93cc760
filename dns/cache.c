/*
 * cache.c - the shared DNS cache and its resolver thread (see cache.h).
 *
 * One mutex guards the table, the observations and the request queue; it
 * is held for a hash probe and a few pointer moves, never across the
 * network.  Entries are never freed before the cache, so a pointer to one
 * is the handle a waiting message keeps; |in_flight| is atomic so that
 * dns_cache_ready needs no lock.
 */
#include "dns/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "canon/limits.h"
#include "dns/wire.h"

/* CACHE_MIN_BUCKETS is the table size of an empty cache. */
#define CACHE_MIN_BUCKETS 1024

/* CACHE_IDLE_MS is how long the thread sleeps when nothing is asked; an
 * eventfd wakes it at once, this is only a backstop. */
#define CACHE_IDLE_MS 1000

/* CACHE_MAX_IN_FLIGHT bounds the queries the thread has outstanding; the
 * rest wait in its queue.  Thousands sent at once come back in bursts that
 * overflow a socket's receive buffer, and each datagram lost costs a
 * timeout; 256 in flight at a 40 ms round trip still ask 6,400 names a
 * second. */
#define CACHE_MAX_IN_FLIGHT 256

/* CACHE_MAX_LOAD_RRS bounds the records of one loaded answer, as the wire
 * reader bounds a fetched one. */
#define CACHE_MAX_LOAD_RRS DNS_WIRE_MAX_RRS

struct obs {
	struct dns_rrset *rr; /* owned */
	int64_t fetched;
	struct obs *next; /* ascending fetch time */
};

struct entry {
	struct entry *next; /* bucket chain */
	struct entry *next_req;
	uint64_t hash;
	uint16_t type;
	bool asked; /* a query was made this run */
	atomic_bool in_flight;
	struct obs *obs;
	uint8_t name_len;
	uint8_t name[]; /* lowercase, no final dot */
};

struct dns_cache {
	pthread_mutex_t mu;
	struct entry **buckets;
	size_t num_buckets;
	size_t num_entries;
	struct entry *req_head, **req_tail; /* queries to start */
	struct dns_cache_stats stats;
	bool live;
	bool stopping;
	void (*notify)(void *arg);
	void *notify_arg;
	struct dns_resolver *resolver;
	int wake_fd;
	pthread_t thread;
	bool thread_started;
	/* load state */
	struct entry *load_entry;
	struct obs *load_obs;
	struct span load_rrs[CACHE_MAX_LOAD_RRS];
	uint8_t *load_bytes;
	size_t load_len, load_cap, load_num;
	size_t load_line;     /* line of the answer being read */
	size_t load_err_line; /* set when an error belongs to that line */
};

static const struct dns_rrset pending_rr = { .status = DNS_PENDING,
	.reason = "pending" };
static const struct dns_rrset offline_rr = { .status = DNS_TEMPFAIL,
	.reason = "not in the DNS cache (offline)" };
static const struct dns_rrset bad_name_rr = { .status = DNS_TEMPFAIL,
	.reason = "bad name" };
static const struct dns_rrset nomem_rr = { .status = DNS_TEMPFAIL,
	.reason = "out of memory" };

/* ---- table --------------------------------------------------------------- */

static uint64_t
hash_name(const uint8_t *name, size_t len, uint16_t type)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ type;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ name[i]) * 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* normalize writes |name| lowercase without its final dot into |out|
 * (DNS_MAX_NAME bytes); false when it is empty, too long or holds a NUL. */
static bool
normalize(struct span name, uint8_t *out, size_t *out_len)
{
	if (name.len > 0 && name.p[name.len - 1] == '.') {
		name.len--;
	}
	if (name.len == 0 || name.len > DNS_MAX_NAME) {
		return false;
	}
	for (size_t i = 0; i < name.len; i++) {
		if (name.p[i] == 0) {
			return false;
		}
		out[i] = span_tolower(name.p[i]);
	}
	*out_len = name.len;
	return true;
}

static bool
grow(struct dns_cache *c)
{
	size_t n = c->num_buckets * 2;
	struct entry **b = calloc(n, sizeof(*b));
	if (b == NULL) {
		return false;
	}
	for (size_t i = 0; i < c->num_buckets; i++) {
		struct entry *e = c->buckets[i];
		while (e != NULL) {
			struct entry *next = e->next;
			size_t k = e->hash & (n - 1);
			e->next = b[k];
			b[k] = e;
			e = next;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->num_buckets = n;
	return true;
}

/* find_or_add returns the entry for (name, type), creating it; NULL when
 * out of memory.  Called with the lock held. */
static struct entry *
find_or_add(struct dns_cache *c, const uint8_t *name, size_t len, uint16_t type)
{
	uint64_t h = hash_name(name, len, type);
	for (struct entry *e = c->buckets[h & (c->num_buckets - 1)]; e != NULL;
	     e = e->next) {
		if (e->hash == h && e->type == type && e->name_len == len &&
		    memcmp(e->name, name, len) == 0) {
			return e;
		}
	}
	if (c->num_entries >= c->num_buckets && !grow(c)) {
		return NULL;
	}
	struct entry *e = calloc(1, sizeof(*e) + len);
	if (e == NULL) {
		return NULL;
	}
	e->hash = h;
	e->type = type;
	e->name_len = (uint8_t)len;
	memcpy(e->name, name, len);
	atomic_init(&e->in_flight, false);
	size_t k = h & (c->num_buckets - 1);
	e->next = c->buckets[k];
	c->buckets[k] = e;
	c->num_entries++;
	return e;
}

/* add_obs files |rr| fetched at |fetched| under |e|, in fetch order. */
static struct obs *
add_obs(
    struct dns_cache *c, struct entry *e, struct dns_rrset *rr, int64_t fetched)
{
	struct obs *o = malloc(sizeof(*o));
	if (o == NULL) {
		return NULL;
	}
	o->rr = rr;
	o->fetched = fetched;
	struct obs **at = &e->obs;
	while (*at != NULL && (*at)->fetched <= fetched) {
		at = &(*at)->next;
	}
	o->next = *at;
	*at = o;
	c->stats.answers++;
	return o;
}

/* choose returns the oldest observation of |e| fresh at |when|, or NULL. */
static const struct obs *
choose(const struct entry *e, int64_t when)
{
	for (const struct obs *o = e->obs; o != NULL; o = o->next) {
		if (when < o->fetched + (int64_t)o->rr->ttl) {
			return o;
		}
	}
	return NULL;
}

static const struct obs *
newest(const struct entry *e)
{
	const struct obs *o = e->obs;
	while (o != NULL && o->next != NULL) {
		o = o->next;
	}
	return o;
}

/* ---- lookups ------------------------------------------------------------- */

static void
wake(struct dns_cache *c)
{
	uint64_t one = 1;
	ssize_t n = write(c->wake_fd, &one, sizeof(one));
	(void)n; /* a full counter already means "wake up" */
}

static const struct dns_rrset *
cache_lookup(const struct dns_view *v, struct span name, enum dns_type type,
    int64_t when)
{
	struct dns_cache *c = v->ctx;
	uint8_t key[DNS_MAX_NAME];
	size_t len;
	if (!normalize(name, key, &len) || (unsigned)type > UINT16_MAX) {
		return &bad_name_rr;
	}
	pthread_mutex_lock(&c->mu);
	struct entry *e = find_or_add(c, key, len, (uint16_t)type);
	if (e == NULL) {
		pthread_mutex_unlock(&c->mu);
		return &nomem_rr;
	}
	const struct obs *o = choose(e, when);
	const struct dns_rrset *rr = NULL;
	bool start = false;
	if (o == NULL && atomic_load(&e->in_flight)) {
		rr = &pending_rr;
	} else if (o == NULL && c->live && !e->asked) {
		e->asked = true;
		atomic_store(&e->in_flight, true);
		e->next_req = NULL;
		*c->req_tail = e;
		c->req_tail = &e->next_req;
		c->stats.queries++;
		start = true;
		rr = &pending_rr;
	} else {
		if (o == NULL) {
			o = newest(e);
		}
		rr = o != NULL ? o->rr : &offline_rr;
	}
	if (rr == &pending_rr) {
		c->stats.pending++;
	} else {
		c->stats.lookups++;
	}
	pthread_mutex_unlock(&c->mu);
	if (start) {
		wake(c);
	}
	if (rr == &pending_rr && v->waits != NULL) {
		dns_waits_add(v->waits, e);
	}
	return rr;
}

struct dns_view
dns_cache_view(struct dns_cache *c, struct dns_waits *waits)
{
	struct dns_view v = { cache_lookup, c, waits };
	return v;
}

bool
dns_cache_ready(const void *handle)
{
	const struct entry *e = handle;
	return !atomic_load_explicit(
	    (atomic_bool *)&e->in_flight, memory_order_acquire);
}

void
dns_cache_get_stats(struct dns_cache *c, struct dns_cache_stats *out)
{
	pthread_mutex_lock(&c->mu);
	*out = c->stats;
	pthread_mutex_unlock(&c->mu);
}

/* ---- the thread ---------------------------------------------------------- */

struct answer_ctx {
	struct dns_cache *c;
	struct entry *e;
	bool *delivered;
};

static void
on_answer(void *arg, struct dns_rrset *rr)
{
	struct answer_ctx *a = arg;
	struct dns_cache *c = a->c;
	if (rr == NULL) {
		rr = dns_wire_tempfail("out of memory");
	}
	pthread_mutex_lock(&c->mu);
	if (rr != NULL && add_obs(c, a->e, rr, (int64_t)time(NULL)) == NULL) {
		dns_wire_free(rr);
		rr = NULL;
	}
	if (rr == NULL || rr->status == DNS_TEMPFAIL) {
		c->stats.failures++;
	}
	/* Without an observation the entry answers as offline. */
	atomic_store_explicit(&a->e->in_flight, false, memory_order_release);
	pthread_mutex_unlock(&c->mu);
	*a->delivered = true;
	free(a);
}

static void *
cache_thread(void *arg)
{
	struct dns_cache *c = arg;
	bool delivered = false;
	for (;;) {
		size_t in_flight = dns_resolver_pending(c->resolver);
		size_t room = in_flight < CACHE_MAX_IN_FLIGHT
		    ? CACHE_MAX_IN_FLIGHT - in_flight
		    : 0;
		pthread_mutex_lock(&c->mu);
		/* Take up to |room| requests off the queue. */
		struct entry *req = c->req_head, *last = NULL;
		for (struct entry *e = req; e != NULL && room > 0;
		     e = e->next_req) {
			last = e;
			room--;
		}
		if (last == NULL) {
			req = NULL;
		} else {
			c->req_head = last->next_req;
			last->next_req = NULL;
			if (c->req_head == NULL) {
				c->req_tail = &c->req_head;
			}
		}
		bool stop = c->stopping;
		pthread_mutex_unlock(&c->mu);
		if (stop) {
			break;
		}
		while (req != NULL) {
			struct entry *next = req->next_req;
			struct answer_ctx *a = malloc(sizeof(*a));
			if (a == NULL) {
				pthread_mutex_lock(&c->mu);
				atomic_store(&req->in_flight, false);
				pthread_mutex_unlock(&c->mu);
				delivered = true;
			} else {
				*a = (struct answer_ctx){ c, req, &delivered };
				dns_resolver_query(c->resolver,
				    span_make(req->name, req->name_len),
				    (enum dns_type)req->type, on_answer, a);
			}
			req = next;
		}
		if (delivered && c->notify != NULL) {
			c->notify(c->notify_arg);
		}
		delivered = false;
		size_t pending = dns_resolver_pending(c->resolver);
		(void)dns_resolver_run_wake(c->resolver,
		    pending > 0 ? 1000 : CACHE_IDLE_MS, c->wake_fd);
		uint64_t v;
		ssize_t n = read(c->wake_fd, &v, sizeof(v));
		(void)n; /* nonblocking: nothing to read is fine */
		if (delivered && c->notify != NULL) {
			c->notify(c->notify_arg);
			delivered = false;
		}
	}
	/* Queries still in flight are cancelled: their callbacks run from
	 * here and mark the entries answered. */
	dns_resolver_free(c->resolver);
	c->resolver = NULL;
	if (c->notify != NULL) {
		c->notify(c->notify_arg);
	}
	return NULL;
}

/* ---- life ---------------------------------------------------------------- */

int
dns_cache_new(struct dns_cache **out, const struct dns_cache_config *cfg,
    const char **why)
{
	struct dns_cache *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		*why = "out of memory";
		return -1;
	}
	pthread_mutex_init(&c->mu, NULL);
	c->wake_fd = -1;
	c->req_tail = &c->req_head;
	c->live = cfg->live;
	c->notify = cfg->notify;
	c->notify_arg = cfg->notify_arg;
	c->num_buckets = CACHE_MIN_BUCKETS;
	c->buckets = calloc(c->num_buckets, sizeof(*c->buckets));
	if (c->buckets == NULL) {
		*why = "out of memory";
		dns_cache_free(c);
		return -1;
	}
	if (c->live) {
		if (dns_resolver_new(&c->resolver, &cfg->resolver, why) != 0) {
			dns_cache_free(c);
			return -1;
		}
		c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (c->wake_fd < 0 ||
		    pthread_create(&c->thread, NULL, cache_thread, c) != 0) {
			*why = "cannot start the DNS thread";
			dns_cache_free(c);
			return -1;
		}
		c->thread_started = true;
	}
	*out = c;
	return 0;
}

void
dns_cache_free(struct dns_cache *c)
{
	if (c == NULL) {
		return;
	}
	if (c->thread_started) {
		pthread_mutex_lock(&c->mu);
		c->stopping = true;
		pthread_mutex_unlock(&c->mu);
		wake(c);
		pthread_join(c->thread, NULL);
	}
	dns_resolver_free(c->resolver);
	if (c->wake_fd >= 0) {
		close(c->wake_fd);
	}
	for (size_t i = 0; c->buckets != NULL && i < c->num_buckets; i++) {
		struct entry *e = c->buckets[i];
		while (e != NULL) {
			struct entry *next = e->next;
			struct obs *o = e->obs;
			while (o != NULL) {
				struct obs *on = o->next;
				dns_wire_free(o->rr);
				free(o);
				o = on;
			}
			free(e);
			e = next;
		}
	}
	free(c->buckets);
	free(c->load_bytes);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* ---- text ---------------------------------------------------------------- */

/* DNS_NUM_STATUS_WORDS: the statuses a cache file records (not
 * DNS_PENDING). */
#define DNS_NUM_STATUS_WORDS 4

static const char *const status_words[DNS_NUM_STATUS_WORDS] = {
	[DNS_OK] = "OK",
	[DNS_NXDOMAIN] = "NXDOMAIN",
	[DNS_NODATA] = "NODATA",
	[DNS_TEMPFAIL] = "TEMPFAIL",
};

static const char *
type_word(uint16_t type)
{
	switch (type) {
	case DNS_T_TXT:
		return "TXT";
	case DNS_T_A:
		return "A";
	case DNS_T_AAAA:
		return "AAAA";
	default:
		return NULL;
	}
}

/* next_word takes the next blank-separated word of |*s|. */
static struct span
next_word(struct span *s)
{
	while (s->len > 0 && (s->p[0] == ' ' || s->p[0] == '\t')) {
		(void)span_skip(s, 1);
	}
	size_t n = 0;
	while (n < s->len && s->p[n] != ' ' && s->p[n] != '\t' &&
	    s->p[n] != '\r') {
		n++;
	}
	struct span w;
	(void)span_get_bytes(s, &w, n);
	return w;
}

static bool
parse_i64(struct span w, int64_t *out)
{
	bool neg = w.len > 0 && w.p[0] == '-';
	size_t i = neg ? 1 : 0;
	uint64_t v = 0;
	if (i == w.len || w.len - i > 18) {
		return false;
	}
	for (; i < w.len; i++) {
		if (!span_is_digit(w.p[i])) {
			return false;
		}
		v = v * 10 + (uint64_t)(w.p[i] - '0');
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* finish_load files the answer being read, if any. */
static const char *
finish_load(struct dns_cache *c)
{
	struct obs *o = c->load_obs;
	if (o == NULL) {
		return NULL;
	}
	c->load_obs = NULL;
	if (o->rr->status == DNS_OK && c->load_num == 0) {
		c->load_err_line = c->load_line;
		return "an OK answer without records";
	}
	if (c->load_num == 0) {
		return NULL;
	}
	/* Rebuild the rrset with its records; spans point into
	 * load_bytes, which is reused. */
	size_t off = 0;
	static const uint8_t nothing[1];
	for (size_t i = 0; i < c->load_num; i++) {
		/* All records so far empty: no buffer was allocated. */
		c->load_rrs[i].p =
		    c->load_bytes != NULL ? c->load_bytes + off : nothing;
		off += c->load_rrs[i].len;
	}
	struct dns_rrset *rr = dns_wire_build(
	    DNS_OK, o->rr->ttl, span_empty(), c->load_rrs, c->load_num);
	if (rr == NULL) {
		return "out of memory";
	}
	dns_wire_free(o->rr);
	o->rr = rr;
	return NULL;
}

/* name_ok says whether a cached name is saved and read back: letters,
 * digits, '-', '_' and dots, which need no escaping in a master file.
 * Every name DKIM asks for is one. */
static bool
name_ok(const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		        ch == '-' || ch == '_' || ch == '.')) {
			return false;
		}
	}
	return true;
}

/* reason_ok says whether a failure reason is one line of printable
 * ASCII, as the file format needs. */
static bool
reason_ok(struct span r)
{
	for (size_t i = 0; i < r.len; i++) {
		if (r.p[i] < 0x20 || r.p[i] > 0x7e) {
			return false;
		}
	}
	return true;
}

static const char *
load_meta(void *arg, struct span line, size_t line_no)
{
	struct dns_cache *c = arg;
	const char *err = finish_load(c);
	if (err != NULL) {
		return err;
	}
	c->load_line = line_no;
	struct span f = next_word(&line), st = next_word(&line);
	struct span name = next_word(&line), ty = next_word(&line);
	struct span t = next_word(&line);
	struct span reason = line;
	while (reason.len > 0 && (reason.p[0] == ' ' || reason.p[0] == '\t')) {
		(void)span_skip(&reason, 1);
	}
	while (reason.len > 0 &&
	    (reason.p[reason.len - 1] == '\r' ||
	        reason.p[reason.len - 1] == ' ' ||
	        reason.p[reason.len - 1] == '\t')) {
		reason.len--;
	}
	int64_t fetched, ttl;
	/* RFC 2181 §8: a TTL is at most 2^31 - 1. */
	if (!parse_i64(f, &fetched) || !parse_i64(t, &ttl) || ttl < 0 ||
	    ttl > INT32_MAX) {
		return "bad ;@ line: fetch time or TTL";
	}
	if (!reason_ok(reason)) {
		return "bad ;@ line: reason is not printable ASCII";
	}
	enum dns_status status = DNS_NUM_STATUS_WORDS;
	for (size_t i = 0; i < DNS_NUM_STATUS_WORDS; i++) {
		if (span_eq_icase_lit(st, status_words[i])) {
			status = (enum dns_status)i;
		}
	}
	uint16_t type = 0;
	for (uint16_t k = 1; k <= DNS_T_AAAA; k++) {
		const char *w = type_word(k);
		if (w != NULL && span_eq_icase_lit(ty, w)) {
			type = k;
		}
	}
	uint8_t key[DNS_MAX_NAME];
	size_t len;
	if (status == DNS_NUM_STATUS_WORDS || type == 0 ||
	    !normalize(name, key, &len) || !name_ok(key, len)) {
		return "bad ;@ line: status, name or type";
	}
	struct entry *e = find_or_add(c, key, len, type);
	struct dns_rrset *rr = dns_wire_build(status, (uint32_t)ttl,
	    status == DNS_TEMPFAIL ? reason : span_empty(), NULL, 0);
	struct obs *o =
	    e != NULL && rr != NULL ? add_obs(c, e, rr, fetched) : NULL;
	if (o == NULL) {
		dns_wire_free(rr);
		return "out of memory";
	}
	c->stats.loaded++;
	c->load_entry = e;
	c->load_obs = o;
	c->load_num = 0;
	c->load_len = 0;
	return NULL;
}

static const char *
load_record(void *arg, struct span owner, uint16_t type, uint32_t ttl,
    struct span rdata)
{
	(void)ttl;
	struct dns_cache *c = arg;
	struct entry *e = c->load_entry;
	if (c->load_obs == NULL || c->load_obs->rr->status != DNS_OK ||
	    e->type != type || owner.len != e->name_len ||
	    memcmp(owner.p, e->name, owner.len) != 0) {
		return "record outside the answer its ;@ line announces";
	}
	if (c->load_num == CACHE_MAX_LOAD_RRS) {
		return "too many records in one answer";
	}
	if (c->load_cap - c->load_len < rdata.len) {
		size_t cap = c->load_cap * 2 + rdata.len + 1024;
		uint8_t *b = realloc(c->load_bytes, cap);
		if (b == NULL) {
			return "out of memory";
		}
		c->load_bytes = b;
		c->load_cap = cap;
	}
	if (rdata.len > 0) {
		memcpy(c->load_bytes + c->load_len, rdata.p, rdata.len);
	}
	c->load_len += rdata.len;
	c->load_rrs[c->load_num++] = span_make(NULL, rdata.len);
	return NULL;
}

static const char *
load_owner(void *arg, struct span owner)
{
	(void)arg;
	(void)owner;
	return "record type not kept in a DNS cache file";
}

bool
dns_cache_load(struct dns_cache *c, struct span text, struct zone_error *err)
{
	struct zone_sink sink = { load_record, load_owner, load_meta, c };
	pthread_mutex_lock(&c->mu);
	c->load_err_line = 0;
	bool ok = zone_parse(&sink, text, err);
	const char *what = ok ? finish_load(c) : NULL;
	if (what != NULL) {
		ok = false;
		err->what = what;
	}
	if (!ok && c->load_err_line != 0) {
		err->line = c->load_err_line;
	}
	c->load_obs = NULL;
	c->load_entry = NULL;
	pthread_mutex_unlock(&c->mu);
	return ok;
}

/* ---- dump ---------------------------------------------------------------- */

struct out {
	bool (*put)(void *arg, const void *p, size_t n);
	void *arg;
	bool ok;
	char buf[8192];
	size_t len;
};

static void
flush(struct out *o)
{
	if (o->ok && o->len > 0) {
		o->ok = o->put(o->arg, o->buf, o->len);
	}
	o->len = 0;
}

static void
put_bytes(struct out *o, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n > 0) {
		if (o->len == sizeof(o->buf)) {
			flush(o);
		}
		size_t k = sizeof(o->buf) - o->len;
		k = k < n ? k : n;
		memcpy(o->buf + o->len, b, k);
		o->len += k;
		b += k;
		n -= k;
	}
}

static void
put_str(struct out *o, const char *s)
{
	size_t n = 0;
	while (s[n] != '\0') {
		n++;
	}
	put_bytes(o, s, n);
}

/* put_txt writes TXT data as quoted strings of at most 255 bytes each. */
static void
put_txt(struct out *o, struct span d)
{
	size_t i = 0;
	do {
		size_t end = i + 255 < d.len ? i + 255 : d.len;
		put_str(o, " \"");
		for (; i < end; i++) {
			uint8_t ch = d.p[i];
			char esc[5];
			if (ch == '"' || ch == '\\') {
				esc[0] = '\\';
				esc[1] = (char)ch;
				put_bytes(o, esc, 2);
			} else if (ch >= 0x20 && ch < 0x7f) {
				put_bytes(o, &ch, 1);
			} else {
				esc[0] = '\\';
				esc[1] = (char)('0' + ch / 100);
				esc[2] = (char)('0' + ch / 10 % 10);
				esc[3] = (char)('0' + ch % 10);
				put_bytes(o, esc, 4);
			}
		}
		put_str(o, "\"");
	} while (i < d.len);
}

static void
put_rdata(struct out *o, uint16_t type, struct span d)
{
	char text[64];
	if (type == DNS_T_TXT) {
		put_txt(o, d);
		return;
	}
	if (type == DNS_T_A && d.len == 4) {
		snprintf(text, sizeof(text), " %u.%u.%u.%u", d.p[0], d.p[1],
		    d.p[2], d.p[3]);
	} else if (type == DNS_T_AAAA && d.len == 16) {
		int n = 0;
		for (size_t i = 0; i < 16; i += 2) {
			n += snprintf(text + n, sizeof(text) - (size_t)n,
			    "%s%x", i == 0 ? " " : ":",
			    (unsigned)d.p[i] << 8 | d.p[i + 1]);
		}
	} else {
		return;
	}
	put_str(o, text);
}

static void
put_obs(struct out *o, const struct entry *e, const struct obs *ob)
{
	const struct dns_rrset *rr = ob->rr;
	char head[64];
	const char *type = type_word(e->type);
	snprintf(head, sizeof(head), ";@ %lld %s ", (long long)ob->fetched,
	    status_words[rr->status]);
	put_str(o, head);
	put_bytes(o, e->name, e->name_len);
	snprintf(head, sizeof(head), ". %s %u", type, (unsigned)rr->ttl);
	put_str(o, head);
	if (rr->status == DNS_TEMPFAIL && rr->reason != NULL) {
		/* One line: the reason is ours, but be safe. */
		put_str(o, " ");
		for (const char *s = rr->reason; *s != '\0'; s++) {
			bool plain = *s >= 0x20 && *s <= 0x7e;
			put_bytes(o, plain ? s : "?", 1);
		}
	}
	put_str(o, "\n");
	for (size_t i = 0; rr->status == DNS_OK && i < rr->num_rrs; i++) {
		put_bytes(o, e->name, e->name_len);
		snprintf(
		    head, sizeof(head), ". %u IN %s", (unsigned)rr->ttl, type);
		put_str(o, head);
		put_rdata(o, e->type, rr->rrs[i]);
		put_str(o, "\n");
	}
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int d = memcmp(x->name, y->name, n);
	if (d != 0) {
		return d;
	}
	if (x->name_len != y->name_len) {
		return x->name_len < y->name_len ? -1 : 1;
	}
	return (int)x->type - (int)y->type;
}

bool
dns_cache_dump(struct dns_cache *c,
    bool (*put)(void *arg, const void *p, size_t n), void *arg)
{
	pthread_mutex_lock(&c->mu);
	struct entry **all = malloc((c->num_entries + 1) * sizeof(*all));
	size_t n = 0;
	for (size_t i = 0; all != NULL && i < c->num_buckets; i++) {
		for (struct entry *e = c->buckets[i]; e != NULL; e = e->next) {
			if (e->obs != NULL && type_word(e->type) != NULL &&
			    name_ok(e->name, e->name_len)) {
				all[n++] = e;
			}
		}
	}
	struct out *o = all != NULL ? malloc(sizeof(*o)) : NULL;
	bool ok = o != NULL;
	if (ok) {
		o->put = put;
		o->arg = arg;
		o->ok = true;
		o->len = 0;
		qsort(all, n, sizeof(*all), entry_cmp);
		put_str(o,
		    "; authsweep DNS cache: every answer fetched, with its "
		    "fetch time.\n"
		    "; \";@ FETCHED STATUS NAME TYPE TTL [REASON]\" starts an "
		    "answer; OK answers list their records.\n");
		for (size_t i = 0; i < n; i++) {
			for (const struct obs *ob = all[i]->obs; ob != NULL;
			     ob = ob->next) {
				put_obs(o, all[i], ob);
			}
		}
		flush(o);
		ok = o->ok;
	}
	pthread_mutex_unlock(&c->mu);
	free(o);
	free(all);
	return ok;
}
