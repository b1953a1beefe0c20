/* SPDX-License-Identifier: MIT */
#include "net-util.h"
#include "loopback.h"

#include <string.h>

static struct sockaddr_storage
mt_any_local_address(socklen_t *ret_len)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*ret_len = sizeof(*sin);
	return ss;
}

static struct sockaddr_storage
mt_any_local_ipv6_address(socklen_t *ret_len)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = in6addr_loopback;
	*ret_len = sizeof(*sin6);
	return ss;
}

/* --- Inet socket helpers (TCP/UDP ports) ------------------------------------------------ */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Skips the test, saying why, when family's loopback does not work. */
static void
need_loopback(int family)
{
	char why[256];
	if (!mt_loopback_usable(family, why, sizeof(why)))
		mt_skip("%s", why);
}

struct mt_inet_addr
mt_inet_any_local(void)
{
	need_loopback(AF_INET);
	struct mt_inet_addr a;
	a.ss = mt_any_local_address(&a.len);
	return a;
}

struct mt_inet_addr
mt_inet_any_local_ipv6(void)
{
	need_loopback(AF_INET6);
	struct mt_inet_addr a;
	a.ss = mt_any_local_ipv6_address(&a.len);
	return a;
}

struct mt_inet_addr
mt_inet_local_addr(mio_fd_t fd)
{
	struct mt_inet_addr a;
	mt_assert_ok(mio_socket_local_addr(fd, &a.ss, &a.len));
	return a;
}

struct mt_inet_addr
mt_inet_peer_addr(mio_fd_t fd)
{
	struct mt_inet_addr a;
	mt_assert_ok(mio_socket_peer_addr(fd, &a.ss, &a.len));
	return a;
}

static uint16_t
inet_port(const struct mt_inet_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_port;
	return ((const struct sockaddr_in6 *)&a->ss)->sin6_port;
}

bool
mt_inet_ip_eq(const struct mt_inet_addr *a, const struct mt_inet_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->ss)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
		      &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, sizeof(struct in6_addr)) == 0;
}

bool
mt_inet_addr_eq(const struct mt_inet_addr *a, const struct mt_inet_addr *b)
{
	return mt_inet_ip_eq(a, b) && inet_port(a) == inet_port(b);
}

bool
mt_inet_addr_is_loopback(const struct mt_inet_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr) >> 24) == 127;
	return a->ss.ss_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
}

/* r is the result of the call that made *fd (read only after the call). */
static mio_fd_t
checked_new_fd(int r, const mio_fd_t *fd)
{
	mt_assert_ok(r);
	mt_assert_nonblocking_cloexec(*fd);
	return *fd;
}

mio_fd_t
mt_tcp_listener(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = -1;
	return checked_new_fd(mio_tcp_listener_bind(MT_SOCKADDR(addr), &fd), &fd);
}

mio_fd_t
mt_tcp_connect(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = -1;
	return checked_new_fd(mio_tcp_stream_connect(MT_SOCKADDR(addr), &fd), &fd);
}

mio_fd_t
mt_tcp_accept(mio_fd_t listener, struct mt_inet_addr *ret_peer)
{
	mio_fd_t fd = -1;
	struct mt_inet_addr peer;
	checked_new_fd(mio_tcp_listener_accept(listener, &fd, &peer.ss, &peer.len), &fd);
	if (ret_peer)
		*ret_peer = peer;
	return fd;
}

mio_fd_t
mt_udp_bind(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = -1;
	return checked_new_fd(mio_udp_bind(MT_SOCKADDR(addr), &fd), &fd);
}

mio_fd_t
mt_tcp_accept_checked(mio_fd_t listener, const struct mt_inet_addr *listener_addr)
{
	struct mt_inet_addr peer;
	mio_fd_t stream = mt_tcp_accept(listener, &peer);
	mt_assert(mt_inet_addr_is_loopback(&peer), "peer address is not loopback");
	struct mt_inet_addr stream_peer = mt_inet_peer_addr(stream);
	struct mt_inet_addr stream_local = mt_inet_local_addr(stream);
	mt_assert_inet_addr_eq(&stream_peer, &peer);
	mt_assert_inet_addr_eq(&stream_local, listener_addr);
	return stream;
}

void
mt_stream_write_all(mio_fd_t fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = mio_stream_write(fd, p, len);
		mt_assert_ok(w);
		p += w;
		len -= (size_t)w;
	}
}

void
mt_register(struct mio_poll *poll, mio_fd_t fd, mio_token_t token, mio_interest_t interest)
{
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), fd, token, interest));
}

void
mt_reregister(struct mio_poll *poll, mio_fd_t fd, mio_token_t token, mio_interest_t interest)
{
	mt_assert_ok(mio_registry_reregister(mio_poll_registry(poll), fd, token, interest));
}

void
mt_deregister(struct mio_poll *poll, mio_fd_t fd)
{
	mt_assert_ok(mio_registry_deregister(mio_poll_registry(poll), fd));
}

void
mt_check_set_get_u32(mio_fd_t fd, int (*set)(mio_fd_t, uint32_t),
		     int (*get)(mio_fd_t, uint32_t *), uint32_t value)
{
	uint32_t got = value + 1;
	mt_assert_ok(set(fd, value));
	mt_assert_ok(get(fd, &got));
	mt_assert_eq(got, value);
}

void
mt_check_get_u32(mio_fd_t fd, int (*get)(mio_fd_t, uint32_t *))
{
	uint32_t got;
	mt_assert_ok(get(fd, &got));
}

void
mt_close(mio_fd_t fd)
{
	mt_assert_ok(mio_close(fd));
}

void
mt_assert_no_socket_error(mio_fd_t fd)
{
	int err = 1;
	mt_assert_ok(mio_socket_take_error(fd, &err));
	mt_assert(err == 0, "pending socket error on fd %lld: %s", (long long)fd, mio_strerror(err));
}

static int64_t
now_ms(void)
{
	return mt_now_ns() / 1000000;
}

const struct mio_event *
mt_poll_until(struct mio_poll *poll, struct mio_events *events, mio_token_t token,
	      unsigned ready)
{
	int64_t deadline = now_ms() + 10000;
	while (now_ms() < deadline) {
		mt_assert_ok(mio_poll_poll(poll, events, 1000 * 1000000LL));
		mio_events_foreach(e, events) {
			if (mio_event_token(e) == token && mt_event_matches(e, ready))
				return e;
		}
	}
	mt_assert(false, "no event for token %zu with readiness 0x%x within 10 s", (size_t)token,
		  ready);
	return NULL;
}

void
mt_expect_no_events_within(struct mio_poll *poll, struct mio_events *events, unsigned ms)
{
	mt_assert_ok(mio_poll_poll(poll, events, (int64_t)ms * 1000000LL));
	const struct mio_event *e = mio_events_get(events, 0);
	mt_assert(e == NULL, "expected no events within %u ms, got token %zu flags 0x%x", ms,
		  e ? (size_t)mio_event_token(e) : 0, e ? e->flags : 0);
}

size_t
mt_poll_nonempty(struct mio_poll *poll, struct mio_events *events)
{
	do
		mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));
	while (mio_events_is_empty(events));
	return mio_events_len(events);
}

void
mt_peer_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: peer thread failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static mio_fd_t
peer_socket(const struct mt_inet_addr *addr, int type)
{
	mio_fd_t fd = mt_os_socket(addr->ss.ss_family, type);
	mt_peer_assert(mio_fd_is_valid(fd), "socket: %s", mt_os_error_text());
	return fd;
}

mio_fd_t
mt_peer_listen(const struct mt_inet_addr *addr, struct mt_inet_addr *ret_addr)
{
	mio_fd_t fd = peer_socket(addr, SOCK_STREAM);
	int one = 1;
	mt_peer_sys(mt_os_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	mt_peer_sys(bind(fd, MT_SOCKADDR(addr)));
	mt_peer_sys(listen(fd, 128));
	if (ret_addr) {
		ret_addr->len = sizeof(ret_addr->ss);
		mt_peer_sys(getsockname(fd, (struct sockaddr *)&ret_addr->ss, &ret_addr->len));
	}
	return fd;
}

mio_fd_t
mt_peer_connect(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = peer_socket(addr, SOCK_STREAM);
	mt_peer_sys(connect(fd, MT_SOCKADDR(addr)));
	return fd;
}

mio_fd_t
mt_peer_accept(mio_fd_t listener)
{
	mio_fd_t fd = mt_os_accept(listener);
	mt_peer_assert(mio_fd_is_valid(fd), "accept: %s", mt_os_error_text());
	return fd;
}

mio_fd_t
mt_peer_udp_bind(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = peer_socket(addr, SOCK_DGRAM);
	mt_peer_sys(bind(fd, MT_SOCKADDR(addr)));
	return fd;
}

void
mt_peer_close(mio_fd_t fd)
{
	mt_peer_sys(mt_os_close(fd));
}

void
mt_set_linger_zero(mio_fd_t fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	mt_peer_sys(mt_os_setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
}

static void *
accept_read_until_closed(void *arg)
{
	mio_fd_t stream = mt_peer_accept(*(mio_fd_t *)arg);
	mt_peer_sys(mt_os_set_recv_timeout(stream, 5000));
	char buf[16];
	mt_peer_sys(mt_os_read(stream, buf, sizeof(buf)));
	mt_peer_close(stream);
	return NULL;
}

void
mt_run_close_after_would_block(void)
{
	struct mt_inet_addr any = mt_inet_any_local(), addr;
	mio_fd_t listener = mt_peer_listen(&any, &addr);
	struct mt_thread *thread = mt_thread_spawn(accept_read_until_closed, &listener);

	struct mio_poll *poll = mt_poll_new();
	mio_fd_t stream = mt_tcp_connect(&addr);
	mt_register(poll, stream, 1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	struct mio_events *events = mt_events_new(16);
	mt_poll_until(poll, events, 1, 0); /* connected */

	char buf[1024];
	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));

	mt_close(stream);
	mt_thread_join(thread);
	mt_peer_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}
