/* SPDX-License-Identifier: MIT */
/* net-util.h's Unix socket helpers (POSIX only). */
#include "net-util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct mt_tempdir
mt_tempdir_new(void)
{
	struct mt_tempdir dir;
	snprintf(dir.path, sizeof(dir.path), "/tmp/mio-unix-XXXXXX");
	mt_assert(mkdtemp(dir.path), "mkdtemp: %s", strerror(errno));
	return dir;
}

struct mt_unix_path
mt_tempdir_path(const struct mt_tempdir *dir, const char *name)
{
	struct mt_unix_path p;
	int n = snprintf(p.s, sizeof(p.s), "%s/%s", dir->path, name);
	mt_assert(n > 0 && (size_t)n < sizeof(p.s), "socket path too long: %s/%s", dir->path,
		  name);
	return p;
}

/* dir/ followed by 'x's up to len characters. */
static struct mt_unix_long_path
padded_path(const char *dir, size_t len)
{
	struct mt_unix_long_path p;
	size_t n = (size_t)snprintf(p.s, sizeof(p.s), "%s/", dir);
	mt_assert(n < len, "directory name too long");
	memset(p.s + n, 'x', len - n);
	p.s[len] = '\0';
	return p;
}

struct mt_unix_long_path
mt_tempdir_longest_path(const struct mt_tempdir *dir)
{
	return padded_path(dir->path, MT_SUN_PATH_SIZE - 1);
}

struct mt_unix_long_path
mt_unix_too_long_path(void)
{
	return padded_path("/tmp", MT_SUN_PATH_SIZE);
}

void
mt_tempdir_remove(struct mt_tempdir *dir)
{
	DIR *d = opendir(dir->path);
	mt_assert(d, "opendir %s: %s", dir->path, strerror(errno));
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			mt_assert(unlinkat(dirfd(d), entry->d_name, 0) == 0, "unlink %s: %s",
				  entry->d_name, strerror(errno));
	}
	closedir(d);
	mt_assert(rmdir(dir->path) == 0, "rmdir %s: %s", dir->path, strerror(errno));
}

struct mt_unix_env
mt_unix_env_new(void)
{
	return (struct mt_unix_env){
		.poll = mt_poll_new(),
		.events = mt_events_new(16),
		.dir = mt_tempdir_new(),
	};
}

void
mt_unix_env_free(struct mt_unix_env *env)
{
	mt_tempdir_remove(&env->dir);
	mio_events_free(env->events);
	mio_poll_free(env->poll);
}

/* r is a libmio constructor's result, *fd what it made (a pointer: the call that sets it
 * is an argument too, and argument evaluation order is unspecified). */
static mio_fd_t
unix_fd(int r, const mio_fd_t *fd)
{
	mt_assert_ok(r);
	mt_assert_nonblocking_cloexec(*fd);
	return *fd;
}

mio_fd_t
mt_unix_listener(const char *path)
{
	mio_fd_t fd = -1;
	return unix_fd(mio_unix_listener_bind(path, &fd), &fd);
}

mio_fd_t
mt_unix_stream_connect(const char *path)
{
	mio_fd_t fd = -1;
	return unix_fd(mio_unix_stream_connect(path, &fd), &fd);
}

mio_fd_t
mt_unix_datagram(const char *path)
{
	mio_fd_t fd = -1;
	return unix_fd(mio_unix_datagram_bind(path, &fd), &fd);
}

mio_fd_t
mt_adopt(int fd)
{
	mt_assert_ok(mio_fd_set_nonblocking(fd, true));
	return fd;
}

struct mio_unix_addr
mt_unique_abstract_addr(char *name, size_t size)
{
	static unsigned counter;
	int n = snprintf(name, size, "mio-abstract-uds-%ld-%u", (long)getpid(), counter++);
	mt_assert(n > 0 && (size_t)n < size, "abstract name buffer too small");
	struct mio_unix_addr addr;
#ifdef __linux__
	mt_assert_ok(mio_unix_addr_from_abstract(name, (size_t)n, &addr));
#else
	mt_assert_err(mio_unix_addr_from_abstract(name, (size_t)n, &addr), -ENOTSUP);
	mt_skip("no abstract Unix socket namespace on this system");
#endif
	return addr;
}

struct mio_unix_addr
mt_unix_local_addr(mio_fd_t fd)
{
	struct mio_unix_addr addr;
	mt_assert_ok(mio_unix_socket_local_addr(fd, &addr));
	return addr;
}

struct mio_unix_addr
mt_unix_peer_addr(mio_fd_t fd)
{
	struct mio_unix_addr addr;
	mt_assert_ok(mio_unix_socket_peer_addr(fd, &addr));
	return addr;
}

void
mt_assert_unix_pathname(const struct mio_unix_addr *addr, const char *path)
{
	mt_assert_eq(mio_unix_addr_kind(addr), MIO_UNIX_ADDR_PATHNAME);
	size_t len;
	const char *got = mio_unix_addr_pathname(addr, &len);
	mt_assert(got && len == strlen(path) && memcmp(got, path, len) == 0,
		  "pathname %.*s, expected %s", got ? (int)len : 0, got ? got : "", path);
}

void
mt_assert_unix_abstract(const struct mio_unix_addr *addr, const char *name)
{
	mt_assert_eq(mio_unix_addr_kind(addr), MIO_UNIX_ADDR_ABSTRACT);
	size_t len;
	const char *got = mio_unix_addr_abstract(addr, &len);
	mt_assert(got && len == strlen(name) && memcmp(got, name, len) == 0,
		  "abstract name %.*s, expected %s", got ? (int)len : 0, got ? got : "", name);
}

/* name as a sockaddr_un ("@x": the abstract name x), built without libmio. */
static socklen_t
peer_unix_sockaddr(const char *name, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	bool abstract = name[0] == '@';
	size_t len = strlen(name); /* the '@' becomes the leading NUL, or the NUL is added */
	mt_peer_assert(len < sizeof(sun->sun_path), "socket name too long: %s", name);
	if (abstract)
		memcpy(sun->sun_path + 1, name + 1, len - 1);
	else
		memcpy(sun->sun_path, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + !abstract);
}

int
mt_peer_unix_socket(int type)
{
	int fd = mt_os_socket(AF_UNIX, type);
	mt_peer_sys(fd);
	return fd;
}

/* bind or connect fd to name. */
static void
peer_unix_name_call(int (*call)(int, const struct sockaddr *, socklen_t), int fd,
		    const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = peer_unix_sockaddr(name, &sun);
	mt_peer_assert(call(fd, (struct sockaddr *)&sun, len) == 0, "%s %s: %s",
		       call == bind ? "bind" : "connect", name, strerror(errno));
}

void
mt_peer_unix_bind(int fd, const char *name)
{
	peer_unix_name_call(bind, fd, name);
}

void
mt_peer_unix_connect(int fd, const char *name)
{
	peer_unix_name_call(connect, fd, name);
}

int
mt_peer_unix_listen(const char *name)
{
	int fd = mt_peer_unix_socket(SOCK_STREAM);
	mt_peer_unix_bind(fd, name);
	mt_peer_sys(listen(fd, 128));
	return fd;
}

int
mt_peer_unix_stream_connect(const char *name)
{
	int fd = mt_peer_unix_socket(SOCK_STREAM);
	mt_peer_unix_connect(fd, name);
	return fd;
}
