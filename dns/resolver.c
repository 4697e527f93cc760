/*
 * resolver.c - asynchronous DNS queries through c-ares (see resolver.h).
 *
 * Written against c-ares 1.18 (Debian 12): the channel is driven with
 * ares_getsock, poll and ares_process_fd, which later versions keep.
 */
#include "dns/resolver.h"

#include <ares.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

/* RESOLVER_MAX_NAME is the longest name asked: 253 characters, a final
 * dot, and the NUL c-ares needs. */
#define RESOLVER_MAX_NAME 255

/* RESOLVER_RCVBUF is the UDP receive buffer asked for. */
#define RESOLVER_RCVBUF (4 << 20)

/* struct sock is one socket c-ares has open, as its sock_state callback
 * told: ares_getsock reports at most 16, and with many queries in flight
 * c-ares opens more, whose answers would then wait unread. */
struct sock {
	ares_socket_t fd;
	bool rd, wr;
};

struct dns_resolver {
	ares_channel channel;
	size_t pending;
	struct sock *socks;
	size_t num_socks, cap_socks;
	bool socks_failed; /* out of memory: fall back to ares_getsock */
};

static void
sock_state(void *data, ares_socket_t fd, int rd, int wr)
{
	struct dns_resolver *r = data;
	size_t i = 0;
	while (i < r->num_socks && r->socks[i].fd != fd) {
		i++;
	}
	if (!rd && !wr) {
		if (i < r->num_socks) {
			r->socks[i] = r->socks[--r->num_socks];
		}
		return;
	}
	if (i == r->num_socks) {
		if (r->num_socks == r->cap_socks) {
			size_t cap = r->cap_socks ? r->cap_socks * 2 : 16;
			struct sock *s = realloc(r->socks, cap * sizeof(*s));
			if (s == NULL) {
				r->socks_failed = true;
				return;
			}
			r->socks = s;
			r->cap_socks = cap;
		}
		r->num_socks++;
	}
	r->socks[i] = (struct sock){ fd, rd != 0, wr != 0 };
}

/* RESOLVER_MAX_CHASE bounds the follow-up queries of one lookup along a
 * CNAME chain that servers answer piece by piece. */
#define RESOLVER_MAX_CHASE 8

struct query {
	struct dns_resolver *r;
	enum dns_type type;
	unsigned chased;
	dns_resolver_cb *cb;
	void *arg;
};

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_status = ARES_ENOTINITIALIZED;

static void
library_init(void)
{
	library_status = ares_library_init(ARES_LIB_INIT_ALL);
}

int
dns_resolver_new(struct dns_resolver **out,
    const struct dns_resolver_config *cfg, const char **why)
{
	pthread_once(&library_once, library_init);
	if (library_status != ARES_SUCCESS) {
		*why = "c-ares could not be initialized";
		return -1;
	}
	struct dns_resolver *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		*why = "out of memory";
		return -1;
	}
	struct ares_options opts;
	memset(&opts, 0, sizeof(opts));
	int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	    ARES_OPT_SOCK_RCVBUF | ARES_OPT_SOCK_STATE_CB;
	opts.sock_state_cb = sock_state;
	opts.sock_state_cb_data = r;
	/* Answers to many queries in flight arrive in bursts: a receive
	 * buffer larger than the default keeps them (the kernel caps it at
	 * net.core.rmem_max). */
	opts.socket_receive_buffer_size = RESOLVER_RCVBUF;
	opts.timeout = cfg->timeout_ms != 0 ? (int)cfg->timeout_ms : 2000;
	opts.tries = cfg->tries != 0 ? (int)cfg->tries : 3;
	/* NOCHECKRESP: a SERVFAIL or REFUSED response is an answer to
	 * report, not a reason to try the query elsewhere. */
	opts.flags = ARES_FLAG_NOCHECKRESP;
	if (cfg->edns) {
		opts.flags |= ARES_FLAG_EDNS;
		opts.ednspsz = 1232;
		mask |= ARES_OPT_EDNSPSZ;
	}
	if (ares_init_options(&r->channel, &opts, mask) != ARES_SUCCESS) {
		free(r);
		*why = "c-ares could not read the system's resolver "
		       "configuration";
		return -1;
	}
	if (cfg->server != NULL &&
	    ares_set_servers_ports_csv(r->channel, cfg->server) !=
	        ARES_SUCCESS) {
		ares_destroy(r->channel);
		free(r);
		*why = "not a server address (IP, IP:PORT or [IPv6]:PORT)";
		return -1;
	}
	*out = r;
	return 0;
}

void
dns_resolver_free(struct dns_resolver *r)
{
	if (r != NULL) {
		ares_destroy(
		    r->channel); /* calls back with ARES_EDESTRUCTION */
		free(r->socks);
		free(r);
	}
}

static const char *
status_reason(int status)
{
	switch (status) {
	case ARES_ETIMEOUT:
		return "timeout";
	case ARES_ECONNREFUSED:
		return "connection refused";
	case ARES_ESERVFAIL:
		return "SERVFAIL";
	case ARES_EREFUSED:
		return "REFUSED";
	case ARES_EDESTRUCTION:
	case ARES_ECANCELLED:
		return "cancelled";
	case ARES_ENOMEM:
		return "out of memory";
	default:
		return "resolver error";
	}
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	(void)timeouts;
	struct query *q = arg;
	struct dns_rrset *rs;
	if (abuf != NULL && alen > 0) {
		struct dns_wire_chase chase;
		rs = dns_wire_answer_chase(
		    span_make(abuf, (size_t)alen), q->type, &chase);
		if (rs != NULL && chase.len > 0 &&
		    status != ARES_EDESTRUCTION) {
			dns_wire_free(rs);
			if (q->chased++ < RESOLVER_MAX_CHASE) {
				char buf[RESOLVER_MAX_NAME];
				memcpy(buf, chase.name, chase.len);
				buf[chase.len] = '\0';
				ares_query(q->r->channel, buf, 1 /* IN */,
				    (int)q->type, on_answer, q);
				return;
			}
			rs = dns_wire_tempfail("CNAME chain too long");
		}
	} else if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		rs = dns_wire_empty(
		    status == ARES_ENOTFOUND ? DNS_NXDOMAIN : DNS_NODATA,
		    DNS_NEGATIVE_TTL_NONE, NULL);
	} else {
		rs = dns_wire_tempfail(status_reason(status));
	}
	q->r->pending--;
	q->cb(q->arg, rs);
	free(q);
}

void
dns_resolver_query(struct dns_resolver *r, struct span name, enum dns_type type,
    dns_resolver_cb *cb, void *arg)
{
	char buf[RESOLVER_MAX_NAME];
	bool ok = name.len > 0 && name.len < sizeof(buf) &&
	    memchr(name.p, '\0', name.len) == NULL;
	struct query *q = ok ? malloc(sizeof(*q)) : NULL;
	if (q == NULL) {
		cb(arg, dns_wire_tempfail(ok ? "out of memory" : "bad name"));
		return;
	}
	memcpy(buf, name.p, name.len);
	buf[name.len] = '\0';
	*q = (struct query){ r, type, 0, cb, arg };
	r->pending++;
	ares_query(r->channel, buf, 1 /* IN */, (int)type, on_answer, q);
}

size_t
dns_resolver_pending(const struct dns_resolver *r)
{
	return r->pending;
}

size_t
dns_resolver_run(struct dns_resolver *r, int timeout_ms)
{
	return dns_resolver_run_wake(r, timeout_ms, -1);
}

size_t
dns_resolver_run_wake(struct dns_resolver *r, int timeout_ms, int wake_fd)
{
	struct pollfd stack[ARES_GETSOCK_MAXNUM + 1];
	struct pollfd *pfd = stack;
	nfds_t n = 0;
	if (!r->socks_failed) {
		if (r->num_socks + 1 > ARES_GETSOCK_MAXNUM + 1) {
			pfd = malloc((r->num_socks + 1) * sizeof(*pfd));
		}
		for (size_t i = 0; pfd != NULL && i < r->num_socks; i++) {
			short ev = (short)((r->socks[i].rd ? POLLIN : 0) |
			    (r->socks[i].wr ? POLLOUT : 0));
			pfd[n++] = (struct pollfd){ r->socks[i].fd, ev, 0 };
		}
	}
	if (pfd == NULL || r->socks_failed) {
		/* Out of memory: the first 16 sockets, as c-ares lists
		 * them; the others are read once they are among those. */
		pfd = stack;
		n = 0;
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		/* The bits are read unsigned: c-ares's own macros shift 1
		 * into the sign bit of an int for the sixteenth socket. */
		unsigned bits = (unsigned)ares_getsock(
		    r->channel, socks, ARES_GETSOCK_MAXNUM);
		for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			bool rd = (bits >> i) & 1;
			bool wr = (bits >> (i + ARES_GETSOCK_MAXNUM)) & 1;
			short ev =
			    (short)((rd ? POLLIN : 0) | (wr ? POLLOUT : 0));
			if (ev != 0) {
				pfd[n++] = (struct pollfd){ socks[i], ev, 0 };
			}
		}
	}
	struct timeval max = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct timeval tv;
	struct timeval *t = ares_timeout(r->channel, &max, &tv);
	/* ares_timeout rounds down to whole milliseconds, so a timeout less
	 * than one away reads as 0 and would be polled for in a busy loop. */
	int wait = (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
	if (wait < 1 && timeout_ms > 0) {
		wait = 1;
	}
	nfds_t num_sockets = n;
	if (wake_fd >= 0) {
		pfd[n++] = (struct pollfd){ wake_fd, POLLIN, 0 };
	}
	if (poll(pfd, n, wait) > 0) {
		for (nfds_t i = 0; i < num_sockets; i++) {
			short re = pfd[i].revents;
			ares_process_fd(r->channel,
			    re & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd
			                                      : ARES_SOCKET_BAD,
			    re & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
		}
	}
	/* Timeouts and retries. */
	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	if (pfd != stack) {
		free(pfd);
	}
	return r->pending;
}
