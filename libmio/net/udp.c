/* SPDX-License-Identifier: MIT */
/* mio::net::UdpSocket: creation, datagram I/O, broadcast and multicast options. */
#include "net-private.h"

MIO_API int
mio_udp_bind(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret)
{
	int r = mio__check_inet(addr, len);
	return r < 0 ? r : mio__socket_bind(addr->sa_family, SOCK_DGRAM, addr, len, false, ret);
}

MIO_API int
mio_udp_connect(mio_fd_t fd, const struct sockaddr *addr, socklen_t len)
{
	int r = mio__check_inet(addr, len);
	return r < 0 ? r : mio__sys(connect(fd, addr, len));
}

MIO_API ssize_t
mio_udp_send(mio_fd_t fd, const void *buf, size_t len)
{
	return mio__send(fd, buf, len);
}

MIO_API ssize_t
mio_udp_recv(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, 0);
}

MIO_API ssize_t
mio_udp_peek(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, MSG_PEEK);
}

MIO_API ssize_t
mio_udp_send_to(mio_fd_t fd, const void *buf, size_t len, const struct sockaddr *addr,
		socklen_t addr_len)
{
	return mio__send_to(fd, buf, len, addr, addr_len);
}

static ssize_t
udp_recv_from(mio_fd_t fd, void *buf, size_t len, int flags, struct sockaddr_storage *ret_addr,
	      socklen_t *ret_len)
{
	mio_return_val_if_fail(!ret_addr == !ret_len, -EINVAL);
	socklen_t alen = sizeof(struct sockaddr_storage);
	ssize_t r = mio__io(fd, mio__os_recv_from(fd, buf, len, flags, (struct sockaddr *)ret_addr,
						  ret_addr ? &alen : NULL),
			    MIO_INTEREST_READABLE);
	if (r >= 0 && ret_len)
		*ret_len = alen;
	return r;
}

MIO_API ssize_t
mio_udp_recv_from(mio_fd_t fd, void *buf, size_t len, struct sockaddr_storage *ret_addr,
		  socklen_t *ret_len)
{
	return udp_recv_from(fd, buf, len, 0, ret_addr, ret_len);
}

MIO_API ssize_t
mio_udp_peek_from(mio_fd_t fd, void *buf, size_t len, struct sockaddr_storage *ret_addr,
		  socklen_t *ret_len)
{
	return udp_recv_from(fd, buf, len, MSG_PEEK, ret_addr, ret_len);
}

/* mio_udp_set_broadcast(), mio_udp_broadcast() */
MIO_DEFINE_BOOL_SOCKOPT(udp, broadcast, SOL_SOCKET, SO_BROADCAST)

static int
multicast_v4(mio_fd_t fd, int name, const struct in_addr *group, const struct in_addr *iface)
{
	mio_return_val_if_fail(group && iface, -EINVAL);
	struct ip_mreq mreq = { .imr_multiaddr = *group, .imr_interface = *iface };
	return mio__setsockopt(fd, IPPROTO_IP, name, &mreq, sizeof(mreq));
}

MIO_API int
mio_udp_join_multicast_v4(mio_fd_t fd, const struct in_addr *group, const struct in_addr *iface)
{
	return multicast_v4(fd, IP_ADD_MEMBERSHIP, group, iface);
}

MIO_API int
mio_udp_leave_multicast_v4(mio_fd_t fd, const struct in_addr *group,
			   const struct in_addr *iface)
{
	return multicast_v4(fd, IP_DROP_MEMBERSHIP, group, iface);
}

static int
multicast_v6(mio_fd_t fd, int name, const struct in6_addr *group, uint32_t ifindex)
{
	mio_return_val_if_fail(group, -EINVAL);
	struct ipv6_mreq mreq = { .ipv6mr_multiaddr = *group, .ipv6mr_interface = ifindex };
	return mio__setsockopt(fd, IPPROTO_IPV6, name, &mreq, sizeof(mreq));
}

MIO_API int
mio_udp_join_multicast_v6(mio_fd_t fd, const struct in6_addr *group, uint32_t ifindex)
{
	return multicast_v6(fd, IPV6_JOIN_GROUP, group, ifindex);
}

MIO_API int
mio_udp_leave_multicast_v6(mio_fd_t fd, const struct in6_addr *group, uint32_t ifindex)
{
	return multicast_v6(fd, IPV6_LEAVE_GROUP, group, ifindex);
}

static int
set_mcast_v4(mio_fd_t fd, int name, uint32_t value)
{
	mio_return_val_if_fail(value <= 255, -EINVAL);
	mio__mcast_v4_t v = (mio__mcast_v4_t)value;
	return mio__setsockopt(fd, IPPROTO_IP, name, &v, sizeof(v));
}

static int
get_mcast_v4(mio_fd_t fd, int name, uint32_t *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	mio__mcast_v4_t v = 0;
	int r = mio__getsockopt(fd, IPPROTO_IP, name, &v, sizeof(v));
	if (r == 0)
		*ret = (uint32_t)v;
	return r;
}

MIO_API int
mio_udp_set_multicast_loop_v4(mio_fd_t fd, bool loop)
{
	return set_mcast_v4(fd, IP_MULTICAST_LOOP, loop);
}

MIO_API int
mio_udp_multicast_loop_v4(mio_fd_t fd, bool *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	uint32_t v = 0;
	int r = get_mcast_v4(fd, IP_MULTICAST_LOOP, &v);
	if (r == 0)
		*ret = v != 0;
	return r;
}

MIO_API int
mio_udp_set_multicast_ttl_v4(mio_fd_t fd, uint32_t ttl)
{
	return set_mcast_v4(fd, IP_MULTICAST_TTL, ttl);
}

MIO_API int
mio_udp_multicast_ttl_v4(mio_fd_t fd, uint32_t *ret)
{
	return get_mcast_v4(fd, IP_MULTICAST_TTL, ret);
}

/* mio_udp_set_multicast_loop_v6(), mio_udp_multicast_loop_v6() */
MIO_DEFINE_BOOL_SOCKOPT(udp, multicast_loop_v6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP)
/* mio_udp_set_only_v6(), mio_udp_only_v6() */
MIO_DEFINE_BOOL_SOCKOPT(udp, only_v6, IPPROTO_IPV6, IPV6_V6ONLY)
