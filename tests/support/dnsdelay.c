/*
 * dnsdelay.c - a UDP relay that holds every datagram for a fixed time, in
 * both directions: a user-space stand-in for `tc qdisc add dev lo root
 * netem delay D` on kernels without the netem qdisc.  bench/dns.sh puts it
 * in front of NSD.
 *
 *     dnsdelay LISTEN_PORT UPSTREAM_IP:PORT DELAY_MS [PIDFILE]
 *
 * It listens on 127.0.0.1:LISTEN_PORT (0: a free port) and prints the
 * port as the first line of standard output.  Each datagram from a client
 * goes to UPSTREAM_IP:PORT (IPv4) DELAY_MS milliseconds after it arrived,
 * from a socket of its own for each client address and port, so that each
 * reply can go back to the right client, again DELAY_MS after it arrived.
 * A query therefore sees 2 x DELAY_MS of added round-trip time, as it
 * would through netem on the loopback device, which delays every packet.
 * It writes its pid to PIDFILE once it is listening, and stops on
 * SIGTERM, SIGINT or SIGHUP, printing its counters to standard error.
 *
 * Since every datagram waits the same time, due times are in arrival
 * order, so one FIFO of pending datagrams (both directions) is enough:
 * one epoll loop sends what is due and sleeps until the head of the queue
 * is due, on a timerfd set to that time (to the microsecond, where an
 * epoll timeout would round to milliseconds).  The queue holds up to
 * QUEUE_MAX datagrams and QUEUE_MAX_BYTES bytes, far beyond what a
 * benchmark puts in flight; a datagram beyond either bound is dropped and
 * counted, never silently.  Datagrams the
 * kernel drops because a receive buffer of the relay was full are counted
 * too (SO_RXQ_OVFL), and the relay asks for large receive buffers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* QUEUE_MAX bounds the datagrams in flight: at 20 ms, 2^17 of them is a
 * rate of over six million datagrams a second. */
#define QUEUE_MAX (1u << 17)

/* QUEUE_MAX_BYTES bounds the payload bytes held in the queue. */
#define QUEUE_MAX_BYTES (256u << 20)

/* MAX_CLIENTS bounds the client addresses with a socket upstream; a
 * client silent for CLIENT_IDLE_NS with nothing queued upstream gives its
 * slot up when the table is full. */
#define MAX_CLIENTS 4096
#define CLIENT_IDLE_NS (60 * 1000000000LL)

/* SOCK_BUF_BYTES is the receive buffer asked for on every socket, so
 * that bursts of thousands of datagrams are not lost in the kernel. */
#define SOCK_BUF_BYTES (16 << 20)

/* MAX_DELAY_MS bounds DELAY_MS (a guard against typing mistakes). */
#define MAX_DELAY_MS 60000

/* RETRY_NS is how long a datagram that met a full socket buffer waits
 * before it is sent again. */
#define RETRY_NS 1000000LL

/* EV_LISTEN, EV_SIGNAL and EV_TIMER tag the epoll entries that are not
 * clients; a client's entry carries its slot number. */
#define EV_LISTEN UINT32_MAX
#define EV_SIGNAL (UINT32_MAX - 1)
#define EV_TIMER (UINT32_MAX - 2)

enum dir { TO_UPSTREAM, TO_CLIENT };

struct pending {
	int64_t due_ns;
	enum dir dir;
	uint32_t client;       /* TO_UPSTREAM: slot that sends it */
	struct sockaddr_in to; /* TO_CLIENT: where it goes */
	uint8_t *data;
	size_t len;
};

struct client {
	bool used;
	int fd; /* connected to the upstream */
	struct sockaddr_in addr;
	int64_t last_ns;
	size_t queued; /* TO_UPSTREAM datagrams in the queue */
	uint32_t ovfl; /* last SO_RXQ_OVFL count seen on fd */
};

struct counters {
	uint64_t from_client, to_upstream, from_upstream, to_client;
	uint64_t dropped_queue, dropped_clients, send_errors, refused;
	uint64_t kernel_drops;
	uint64_t clients, peak_queue;
};

struct relay {
	int ep, listen_fd, sig_fd, timer_fd;
	uint32_t listen_ovfl;
	struct sockaddr_in upstream;
	int64_t delay_ns;
	struct pending *q; /* ring of QUEUE_MAX */
	size_t head, num, bytes;
	struct client *clients; /* MAX_CLIENTS slots */
	size_t num_slots;       /* slots ever used (high-water mark) */
	size_t max_clients;
	struct counters c;
};

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* parse_uint accepts 1 to 9 decimal digits, at most |max|. */
static bool
parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t n = 0;
	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n == 9) {
			return false;
		}
		v = v * 10 + (unsigned)(s[n] - '0');
	}
	if (n == 0 || v > max) {
		return false;
	}
	*out = v;
	return true;
}

/* parse_upstream reads "IPv4:PORT". */
static bool
parse_upstream(const char *s, struct sockaddr_in *out)
{
	const char *colon = strrchr(s, ':');
	char ip[INET_ADDRSTRLEN];
	unsigned port;
	if (colon == NULL || (size_t)(colon - s) >= sizeof(ip) ||
	    !parse_uint(colon + 1, 65535, &port) || port == 0) {
		return false;
	}
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, ip, &out->sin_addr) == 1;
}

/* udp_socket makes a non-blocking UDP socket with a large receive buffer
 * that reports the kernel's drop count; -1 on failure. */
static int
udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	int size = SOCK_BUF_BYTES, one = 1;
	/* SO_RCVBUFFORCE passes net.core.rmem_max but needs CAP_NET_ADMIN;
	 * without it, SO_RCVBUF gets what rmem_max allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) !=
	    0) {
		(void)setsockopt(
		    fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	return fd;
}

static bool
watch(struct relay *r, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };
	return epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) == 0;
}

static void
client_close(struct relay *r, struct client *cl)
{
	(void)epoll_ctl(r->ep, EPOLL_CTL_DEL, cl->fd, NULL);
	(void)close(cl->fd);
	cl->used = false;
}

/* client_for returns the slot of client |from|, opening a socket to the
 * upstream for a new one; NULL when the table is full of active clients
 * or a socket cannot be made. */
static struct client *
client_for(struct relay *r, const struct sockaddr_in *from, int64_t now)
{
	struct client *free_slot = NULL;
	for (size_t i = 0; i < r->num_slots; i++) {
		struct client *cl = &r->clients[i];
		if (!cl->used) {
			free_slot = free_slot != NULL ? free_slot : cl;
		} else if (cl->addr.sin_port == from->sin_port &&
		    cl->addr.sin_addr.s_addr == from->sin_addr.s_addr) {
			return cl;
		}
	}
	if (free_slot == NULL && r->num_slots < r->max_clients) {
		free_slot = &r->clients[r->num_slots++];
	}
	for (size_t i = 0; free_slot == NULL && i < r->num_slots; i++) {
		struct client *cl = &r->clients[i];
		if (cl->queued == 0 && now - cl->last_ns > CLIENT_IDLE_NS) {
			client_close(r, cl);
			free_slot = cl;
		}
	}
	if (free_slot == NULL) {
		return NULL;
	}
	int fd = udp_socket();
	if (fd < 0) {
		return NULL;
	}
	uint32_t slot = (uint32_t)(free_slot - r->clients);
	if (connect(fd, (const struct sockaddr *)&r->upstream,
	        sizeof(r->upstream)) != 0 ||
	    !watch(r, fd, slot)) {
		(void)close(fd);
		return NULL;
	}
	*free_slot = (struct client){ .used = true, .fd = fd, .addr = *from };
	r->c.clients++;
	return free_slot;
}

/* enqueue copies a datagram into the queue, or counts it as dropped. */
static bool
enqueue(struct relay *r, const struct pending *p)
{
	if (r->num == QUEUE_MAX || QUEUE_MAX_BYTES - r->bytes < p->len) {
		r->c.dropped_queue++;
		return false;
	}
	uint8_t *data = malloc(p->len > 0 ? p->len : 1);
	if (data == NULL) {
		r->c.dropped_queue++;
		return false;
	}
	memcpy(data, p->data, p->len);
	struct pending *slot = &r->q[(r->head + r->num) % QUEUE_MAX];
	*slot = *p;
	slot->data = data;
	r->num++;
	r->bytes += p->len;
	if (r->num > r->c.peak_queue) {
		r->c.peak_queue = r->num;
	}
	return true;
}

/* receive reads one datagram from |fd| into |buf|; it returns its length,
 * or -1 when nothing is left to read.  |ovfl| tracks the kernel's count
 * of datagrams dropped on |fd|. */
static ssize_t
receive(struct relay *r, int fd, uint8_t *buf, size_t cap,
    struct sockaddr_in *from, uint32_t *ovfl)
{
	struct iovec iov = { buf, cap };
	union {
		struct cmsghdr align;
		uint8_t bytes[CMSG_SPACE(sizeof(uint32_t))];
	} ctl;
	for (;;) {
		struct msghdr mh = { .msg_name = from,
			.msg_namelen = from != NULL ? sizeof(*from) : 0,
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.bytes,
			.msg_controllen = sizeof(ctl.bytes) };
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			/* EAGAIN: drained.  ECONNREFUSED: an ICMP error
			 * for an earlier datagram; the socket still works. */
			if (errno == ECONNREFUSED) {
				r->c.refused++;
				continue;
			}
			return -1;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		     cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_RXQ_OVFL) {
				uint32_t v;
				memcpy(&v, CMSG_DATA(cm), sizeof(v));
				r->c.kernel_drops += v - *ovfl;
				*ovfl = v;
			}
		}
		return n;
	}
}

static void
read_clients(struct relay *r, uint8_t *buf, size_t cap)
{
	struct sockaddr_in from;
	ssize_t n;
	while ((n = receive(
	            r, r->listen_fd, buf, cap, &from, &r->listen_ovfl)) >= 0) {
		int64_t now = now_ns();
		r->c.from_client++;
		struct client *cl = client_for(r, &from, now);
		if (cl == NULL) {
			r->c.dropped_clients++;
			continue;
		}
		cl->last_ns = now;
		struct pending p = { .due_ns = now + r->delay_ns,
			.dir = TO_UPSTREAM,
			.client = (uint32_t)(cl - r->clients),
			.data = buf,
			.len = (size_t)n };
		if (enqueue(r, &p)) {
			cl->queued++;
		}
	}
}

static void
read_upstream(struct relay *r, struct client *cl, uint8_t *buf, size_t cap)
{
	ssize_t n;
	while ((n = receive(r, cl->fd, buf, cap, NULL, &cl->ovfl)) >= 0) {
		int64_t now = now_ns();
		r->c.from_upstream++;
		cl->last_ns = now;
		struct pending p = { .due_ns = now + r->delay_ns,
			.dir = TO_CLIENT,
			.to = cl->addr,
			.data = buf,
			.len = (size_t)n };
		(void)enqueue(r, &p);
	}
}

/* send_due sends every datagram due by |now|.  A full socket buffer
 * (EAGAIN) leaves the datagram at the head, to be tried again; it returns
 * false then. */
static bool
send_due(struct relay *r, int64_t now)
{
	while (r->num > 0 && r->q[r->head].due_ns <= now) {
		struct pending *p = &r->q[r->head];
		ssize_t n;
		struct client *cl = NULL;
		if (p->dir == TO_UPSTREAM) {
			cl = &r->clients[p->client];
			n = send(cl->fd, p->data, p->len, 0);
		} else {
			n = sendto(r->listen_fd, p->data, p->len, 0,
			    (const struct sockaddr *)&p->to, sizeof(p->to));
		}
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			return false;
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			r->c.send_errors++;
		} else if (p->dir == TO_UPSTREAM) {
			r->c.to_upstream++;
		} else {
			r->c.to_client++;
		}
		if (cl != NULL) {
			cl->queued--;
		}
		free(p->data);
		r->bytes -= p->len;
		r->head = (r->head + 1) % QUEUE_MAX;
		r->num--;
	}
	return true;
}

/* arm_timer sets the timer to the due time of the head of the queue (or
 * RETRY_NS from |now| when |blocked|), or disarms it when the queue is
 * empty. */
static bool
arm_timer(const struct relay *r, int64_t now, bool blocked)
{
	int64_t at = 0;
	if (blocked) {
		at = now + RETRY_NS;
	} else if (r->num > 0) {
		at = r->q[r->head].due_ns;
	}
	/* An it_value of zero disarms; an absolute time already past fires
	 * at once. */
	struct itimerspec its = { .it_value = { (time_t)(at / 1000000000),
		                      (long)(at % 1000000000) } };
	return timerfd_settime(r->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0;
}

static int
setup(struct relay *r, unsigned port, const char *pidfile)
{
	r->q = calloc(QUEUE_MAX, sizeof(*r->q));
	r->clients = calloc(MAX_CLIENTS, sizeof(*r->clients));
	if (r->q == NULL || r->clients == NULL) {
		fprintf(stderr, "dnsdelay: out of memory\n");
		return -1;
	}
	/* One descriptor per client: raise the soft limit if it is lower. */
	struct rlimit rl;
	r->max_clients = MAX_CLIENTS;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < MAX_CLIENTS + 16) {
		rl.rlim_cur = rl.rlim_max < MAX_CLIENTS + 16 ? rl.rlim_max
		                                             : MAX_CLIENTS + 16;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur < MAX_CLIENTS + 16) {
			r->max_clients =
			    rl.rlim_cur > 32 ? (size_t)rl.rlim_cur - 16 : 16;
		}
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (r->sig_fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0 ||
	    (r->timer_fd = timerfd_create(
	         CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0 ||
	    (r->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    !watch(r, r->timer_fd, EV_TIMER)) {
		perror("dnsdelay: setup");
		return -1;
	}
	struct sockaddr_in addr = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t addr_len = sizeof(addr);
	r->listen_fd = udp_socket();
	if (r->listen_fd < 0 ||
	    bind(r->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    getsockname(r->listen_fd, (struct sockaddr *)&addr, &addr_len) !=
	        0 ||
	    !watch(r, r->listen_fd, EV_LISTEN) ||
	    !watch(r, r->sig_fd, EV_SIGNAL)) {
		fprintf(stderr, "dnsdelay: cannot listen on 127.0.0.1:%u: %s\n",
		    port, strerror(errno));
		return -1;
	}
	printf("%u\n", ntohs(addr.sin_port));
	if (fflush(stdout) != 0) {
		perror("dnsdelay: stdout");
		return -1;
	}
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");
		if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 ||
		    fclose(f) != 0) {
			fprintf(stderr, "dnsdelay: %s: %s\n", pidfile,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void
report(const struct relay *r)
{
	const struct counters *c = &r->c;
	fprintf(stderr,
	    "dnsdelay: client->upstream %llu received, %llu sent; "
	    "upstream->client %llu received, %llu sent\n"
	    "dnsdelay: %llu clients, peak queue %llu; dropped: %llu queue "
	    "full, %llu client table full, %llu send errors, %llu refused "
	    "by the upstream, %llu in receive buffers; %zu left in the "
	    "queue\n",
	    (unsigned long long)c->from_client,
	    (unsigned long long)c->to_upstream,
	    (unsigned long long)c->from_upstream,
	    (unsigned long long)c->to_client, (unsigned long long)c->clients,
	    (unsigned long long)c->peak_queue,
	    (unsigned long long)c->dropped_queue,
	    (unsigned long long)c->dropped_clients,
	    (unsigned long long)c->send_errors, (unsigned long long)c->refused,
	    (unsigned long long)c->kernel_drops, r->num);
}

static void
cleanup(struct relay *r, const char *pidfile)
{
	for (size_t i = 0; i < r->num; i++) {
		free(r->q[(r->head + i) % QUEUE_MAX].data);
	}
	for (size_t i = 0; i < r->num_slots; i++) {
		if (r->clients[i].used) {
			(void)close(r->clients[i].fd);
		}
	}
	free(r->q);
	free(r->clients);
	if (pidfile != NULL) {
		(void)unlink(pidfile);
	}
}

int
main(int argc, char **argv)
{
	static struct relay r = {
		.ep = -1, .listen_fd = -1, .sig_fd = -1, .timer_fd = -1
	};
	unsigned port, delay_ms;
	if ((argc != 4 && argc != 5) || !parse_uint(argv[1], 65535, &port) ||
	    !parse_upstream(argv[2], &r.upstream) ||
	    !parse_uint(argv[3], MAX_DELAY_MS, &delay_ms)) {
		fprintf(stderr,
		    "usage: dnsdelay LISTEN_PORT UPSTREAM_IP:PORT DELAY_MS "
		    "[PIDFILE]\n"
		    "  (LISTEN_PORT 0: any free port; DELAY_MS up to %d)\n",
		    MAX_DELAY_MS);
		return 2;
	}
	const char *pidfile = argc == 5 ? argv[4] : NULL;
	r.delay_ns = (int64_t)delay_ms * 1000000;
	int rc = 1;
	if (setup(&r, port, pidfile) != 0) {
		goto out;
	}
	static uint8_t buf[65536];
	bool stop = false;
	while (!stop) {
		int64_t now = now_ns();
		bool blocked = !send_due(&r, now);
		if (!arm_timer(&r, now, blocked)) {
			perror("dnsdelay: timerfd_settime");
			goto out;
		}
		struct epoll_event evs[64];
		int n = epoll_wait(r.ep, evs, 64, -1);
		if (n < 0 && errno != EINTR) {
			perror("dnsdelay: epoll_wait");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			uint32_t tag = evs[i].data.u32;
			if (tag == EV_SIGNAL) {
				stop = true;
			} else if (tag == EV_TIMER) {
				/* Clear the expiry (EAGAIN: already clear). */
				uint64_t ticks;
				ssize_t got =
				    read(r.timer_fd, &ticks, sizeof(ticks));
				(void)got;
			} else if (tag == EV_LISTEN) {
				read_clients(&r, buf, sizeof(buf));
			} else if (tag < r.num_slots && r.clients[tag].used) {
				read_upstream(
				    &r, &r.clients[tag], buf, sizeof(buf));
			}
		}
	}
	rc = 0;
out:
	report(&r);
	cleanup(&r, pidfile);
	return rc;
}
