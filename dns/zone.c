/*
 * zone.c - the in-memory DNS snapshot behind --keys: storage and lookups.
 *
 * Records read by zone_parse.c (the RFC 1035 master-file reader) are kept
 * here and answered through a struct dns_view.
 *
 * Storage: every name node and RRset is a struct zone_node in an open
 * addressing hash table keyed by (lowercase name, type); type 0 marks a node
 * that only says "this name exists", added for every owner and every
 * ancestor of an owner (empty non-terminals).  Nodes, names and record bytes
 * live in a chunked pool owned by the zone, so they never move; each RRset's
 * array of record spans is a separate allocation that may grow while files
 * are added.  A record is added only after every allocation it needs has
 * succeeded, so a failed entry leaves no trace.  A record that repeats one
 * already stored at the same name and type is dropped (an RRset is a set,
 * RFC 2181 §5), its TTL still taking part in the RRset's minimum.  Lookups
 * only read.
 */
#include "dns/zone.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon/limits.h"
#include "dns/internal.h"

/* ZONE_RR_OVERHEAD is the wire size of a record header with a compressed
 * owner name: name pointer, type, class, TTL and RDLENGTH. */
#define ZONE_RR_OVERHEAD 12

/* ZONE_POOL_CHUNK is the usual size of one pool chunk. */
#define ZONE_POOL_CHUNK ((size_t)64 << 10)

/* ZONE_MIN_SLOTS is the hash table size of an empty zone. */
#define ZONE_MIN_SLOTS 64

#define POOL_ALIGN (alignof(max_align_t))

/* struct zone_node is one hash table entry: an RRset, or with type 0 a
 * marker that a name exists. */
struct zone_node {
	struct dns_rrset rr; /* the answer; unused in name markers */
	struct span *rrs;    /* owned record array, |rrs_cap| entries */
	size_t rrs_cap;
	size_t wire_len; /* stored bytes plus ZONE_RR_OVERHEAD per record */
	uint64_t hash;
	uint16_t type;
	uint8_t name_len;
	uint8_t name[]; /* lowercase, no trailing dot */
};

/* struct pool_chunk is one block of the zone's bump allocator. */
struct pool_chunk {
	struct pool_chunk *next;
	size_t used;
	size_t cap;
	max_align_t data[];
};

struct zone {
	struct zone_node **slots; /* |num_slots| entries, a power of two */
	size_t num_slots;
	size_t num_nodes;
	size_t num_records;
	struct pool_chunk *pool;
	/* The negative answers, shared by every lookup that gets one. */
	struct dns_rrset nxdomain;
	struct dns_rrset nodata;
};

/* ---- pool ---------------------------------------------------------------- */

static size_t
pool_size(size_t n)
{
	return (n + POOL_ALIGN - 1) & ~(POOL_ALIGN - 1);
}

/* pool_reserve makes sure the next |need| bytes of pool_take calls (each
 * counted with pool_size) succeed without allocating. */
static bool
pool_reserve(struct zone *z, size_t need)
{
	if (z->pool != NULL && z->pool->cap - z->pool->used >= need) {
		return true;
	}
	size_t cap = need > ZONE_POOL_CHUNK ? need : ZONE_POOL_CHUNK;
	if (cap > SIZE_MAX - sizeof(struct pool_chunk)) {
		return false;
	}
	struct pool_chunk *c = malloc(sizeof(*c) + cap);
	if (c == NULL) {
		return false;
	}
	c->next = z->pool;
	c->used = 0;
	c->cap = cap;
	z->pool = c;
	return true;
}

/* pool_take returns |n| bytes reserved earlier by pool_reserve. */
static void *
pool_take(struct zone *z, size_t n)
{
	struct pool_chunk *c = z->pool;
	uint8_t *p = (uint8_t *)c->data + c->used;
	c->used += pool_size(n);
	return p;
}

/* ---- hash table ---------------------------------------------------------- */

static uint64_t
name_hash(const uint8_t *name, size_t len, uint16_t type)
{
	/* FNV-1a over the name and type, then a 64-bit finalizer so that the
	 * low bits used for the slot index depend on every input byte. */
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ name[i]) * 0x100000001b3u;
	}
	h = (h ^ type) * 0x100000001b3u;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h;
}

static struct zone_node *
table_find(const struct zone *z, const uint8_t *name, size_t len, uint16_t type)
{
	uint64_t h = name_hash(name, len, type);
	size_t mask = z->num_slots - 1;
	size_t k = (size_t)h & mask;
	for (size_t i = 0; i < z->num_slots; i++, k = (k + 1) & mask) {
		struct zone_node *n = z->slots[k];
		if (n == NULL) {
			return NULL;
		}
		if (n->hash == h && n->type == type && n->name_len == len &&
		    memcmp(n->name, name, len) == 0) {
			return n;
		}
	}
	return NULL;
}

/* table_put stores |n| in the first free slot of its probe sequence; the
 * caller has made room with table_reserve. */
static void
table_put(struct zone_node **slots, size_t num_slots, struct zone_node *n)
{
	size_t mask = num_slots - 1;
	size_t k = (size_t)n->hash & mask;
	for (size_t i = 0; i < num_slots; i++, k = (k + 1) & mask) {
		if (slots[k] == NULL) {
			slots[k] = n;
			return;
		}
	}
}

/* table_reserve grows the table so that |extra| more nodes keep it at most
 * half full. */
static bool
table_reserve(struct zone *z, size_t extra)
{
	size_t need = z->num_nodes + extra;
	size_t n = z->num_slots;
	while (n / 2 < need) {
		if (n > SIZE_MAX / 2 / sizeof(struct zone_node *)) {
			return false;
		}
		n *= 2;
	}
	if (n == z->num_slots) {
		return true;
	}
	struct zone_node **slots = calloc(n, sizeof(*slots));
	if (slots == NULL) {
		return false;
	}
	for (size_t i = 0; i < z->num_slots; i++) {
		if (z->slots[i] != NULL) {
			table_put(slots, n, z->slots[i]);
		}
	}
	free(z->slots);
	z->slots = slots;
	z->num_slots = n;
	return true;
}

/* new_node takes a zeroed node for (|name|, |type|) from reserved pool
 * space and puts it in the table. */
static struct zone_node *
new_node(struct zone *z, const uint8_t *name, size_t len, uint16_t type)
{
	struct zone_node *n = pool_take(z, sizeof(*n) + len);
	memset(n, 0, sizeof(*n));
	atomic_init(&n->rr.decoded, NULL);
	memcpy(n->name, name, len);
	n->name_len = (uint8_t)len;
	n->type = type;
	n->hash = name_hash(name, len, type);
	table_put(z->slots, z->num_slots, n);
	z->num_nodes++;
	return n;
}

/* ---- zone ---------------------------------------------------------------- */

struct zone *
zone_new(void)
{
	struct zone *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return NULL;
	}
	z->slots = calloc(ZONE_MIN_SLOTS, sizeof(*z->slots));
	if (z->slots == NULL) {
		free(z);
		return NULL;
	}
	z->num_slots = ZONE_MIN_SLOTS;
	z->nxdomain.status = DNS_NXDOMAIN;
	z->nodata.status = DNS_NODATA;
	atomic_init(&z->nxdomain.decoded, NULL);
	atomic_init(&z->nodata.decoded, NULL);
	return z;
}

void
zone_free(struct zone *z)
{
	if (z == NULL) {
		return;
	}
	for (size_t i = 0; i < z->num_slots; i++) {
		struct zone_node *n = z->slots[i];
		if (n != NULL && n->type != 0) {
			dns_rrset_free_decoded(&n->rr);
			free(n->rrs);
		}
	}
	dns_rrset_free_decoded(&z->nxdomain);
	dns_rrset_free_decoded(&z->nodata);
	free(z->slots);
	struct pool_chunk *c = z->pool;
	while (c != NULL) {
		struct pool_chunk *next = c->next;
		free(c);
		c = next;
	}
	free(z);
}

size_t
zone_num_records(const struct zone *z)
{
	return z->num_records;
}

const struct dns_rrset *
zone_find(const struct zone *z, struct span name, enum dns_type type)
{
	if (name.len > 0 && name.p[name.len - 1] == '.') {
		name.len--;
	}
	if (name.len > DNS_MAX_NAME) {
		return &z->nxdomain;
	}
	uint8_t key[DNS_MAX_NAME];
	for (size_t i = 0; i < name.len; i++) {
		key[i] = span_tolower(name.p[i]);
	}
	/* Type 0 marks name nodes, so it is never a stored type. */
	if ((unsigned)type >= 1 && (unsigned)type <= UINT16_MAX) {
		const struct zone_node *n =
		    table_find(z, key, name.len, (uint16_t)type);
		if (n != NULL) {
			return &n->rr;
		}
	}
	if (table_find(z, key, name.len, 0) != NULL) {
		return &z->nodata;
	}
	return &z->nxdomain;
}

/* zone_lookup answers for the view: a snapshot holds at every time. */
static const struct dns_rrset *
zone_lookup(const struct dns_view *v, struct span name, enum dns_type type,
    int64_t when)
{
	(void)when;
	return zone_find(v->ctx, name, type);
}

struct dns_view
zone_view(struct zone *z)
{
	struct dns_view v = { zone_lookup, z, NULL };
	return v;
}

/* ---- adding records ------------------------------------------------------ */

/* parent_off returns the offset in |name| of its parent's name, or |len|
 * when the parent is the root. */
static size_t
parent_off(const uint8_t *name, size_t len)
{
	size_t dot = span_find(span_make(name, len), '.');
	return dot == len ? len : dot + 1;
}

/* missing_names counts the pool bytes for the name markers that |owner|
 * and its ancestors still lack.  Markers are added for whole chains, so the
 * walk stops at the first name that has one. */
static size_t
missing_names(
    const struct zone *z, const uint8_t *owner, size_t len, size_t *out_num)
{
	size_t bytes = 0, num = 0, off = 0;
	bool done = false;
	while (!done && table_find(z, owner + off, len - off, 0) == NULL) {
		bytes += pool_size(sizeof(struct zone_node) + (len - off));
		num++;
		done = off == len;
		off += parent_off(owner + off, len - off);
	}
	*out_num = num;
	return bytes;
}

static void
add_names(struct zone *z, const uint8_t *owner, size_t len)
{
	size_t off = 0;
	bool done = false;
	while (!done && table_find(z, owner + off, len - off, 0) == NULL) {
		(void)new_node(z, owner + off, len - off, 0);
		done = off == len;
		off += parent_off(owner + off, len - off);
	}
}

/* rrset_has reports whether |rs| already holds the record |rd|. */
static bool
rrset_has(const struct zone_node *rs, struct span rd)
{
	for (size_t i = 0; i < rs->rr.num_rrs; i++) {
		if (span_eq(rs->rrs[i], rd)) {
			return true;
		}
	}
	return false;
}

/* grow_rrs makes room for one more record in |rs|. */
static bool
grow_rrs(struct zone_node *rs)
{
	if (rs->rr.num_rrs < rs->rrs_cap) {
		return true;
	}
	size_t cap = rs->rrs_cap == 0 ? 2 : rs->rrs_cap * 2;
	struct span *a = realloc(rs->rrs, cap * sizeof(*a));
	if (a == NULL) {
		return false;
	}
	rs->rrs = a;
	rs->rrs_cap = cap;
	rs->rr.rrs = a;
	return true;
}

const char *
zone__store(struct zone *z, struct span owner, uint16_t type, uint32_t ttl,
    struct span rd)
{
	struct zone_node *rs = table_find(z, owner.p, owner.len, type);
	if (rs != NULL && rrset_has(rs, rd)) {
		rs->rr.ttl = ttl < rs->rr.ttl ? ttl : rs->rr.ttl;
		return NULL;
	}
	size_t wire =
	    (rs != NULL ? rs->wire_len : 0) + rd.len + ZONE_RR_OVERHEAD;
	if (wire > ZONE_MAX_RRSET_BYTES) {
		return "RRset too large";
	}
	size_t num_names;
	size_t bytes = missing_names(z, owner.p, owner.len, &num_names) +
	    pool_size(rd.len) +
	    (rs == NULL ? pool_size(sizeof(*rs) + owner.len) : 0);
	struct zone_node tmp = { .rrs = NULL };
	if (!table_reserve(z, num_names + 1) || !pool_reserve(z, bytes) ||
	    !grow_rrs(rs != NULL ? rs : &tmp)) {
		return "out of memory";
	}
	add_names(z, owner.p, owner.len);
	if (rs == NULL) {
		rs = new_node(z, owner.p, owner.len, type);
		rs->rr.status = DNS_OK;
		rs->rr.ttl = ttl;
		rs->rrs = tmp.rrs;
		rs->rrs_cap = tmp.rrs_cap;
		rs->rr.rrs = tmp.rrs;
	}
	uint8_t *copy = pool_take(z, rd.len);
	if (rd.len > 0) {
		memcpy(copy, rd.p, rd.len);
	}
	rs->rrs[rs->rr.num_rrs++] = span_make(copy, rd.len);
	rs->rr.ttl = ttl < rs->rr.ttl ? ttl : rs->rr.ttl;
	rs->wire_len = wire;
	z->num_records++;
	return NULL;
}

const char *
zone__note_owner(struct zone *z, struct span owner)
{
	size_t num_names;
	size_t bytes = missing_names(z, owner.p, owner.len, &num_names);
	if (!table_reserve(z, num_names) || !pool_reserve(z, bytes)) {
		return "out of memory";
	}
	add_names(z, owner.p, owner.len);
	return NULL;
}
