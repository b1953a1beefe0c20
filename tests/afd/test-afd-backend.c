/* SPDX-License-Identifier: MIT */
/* The afd backend from the inside, with real loopback sockets under Wine or Windows: what
 * the behaviour suites cannot see through libmio. The descriptor is driven as the core
 * drives it (the test holds each registration's record, as the core's map does):
 *  - the event flags give libmio's accessors mio's answers for every AFD bit combination;
 *  - more than 32 sockets spread over several AFD helper handles, and give them back;
 *  - freeing a poll with polls out (and deregistered ones not yet dequeued) waits for
 *    them and leaks neither memory nor handles;
 *  - a record whose socket was closed without deregistering is renewed for the socket
 *    that reuses the number;
 *  - registrations changed from other threads while select() runs: a select that starts
 *    after a deregister or a token-changing reregister returned never reports the old
 *    token. */
#include <errno.h>
#include <stdio.h>

#include <winsock2.h>
#include <windows.h>

#include <mio-backend.h>

#include "mt.h"

#include "poll-group.h"
#include "port.h"
#include "sock.h"

extern const struct mio_backend mio__backend_afd;
static const struct mio_backend *const B = &mio__backend_afd;

/* The backend's allocations, counted: the program links with --wrap=malloc,--wrap=free,
 * which routes the backend library's calls here. */
void *__real_malloc(size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void __wrap_free(void *p);
static volatile LONG live_allocations;

void *
__wrap_malloc(size_t size)
{
	void *p = __real_malloc(size);
	if (p)
		InterlockedIncrement(&live_allocations);
	return p;
}

void
__wrap_free(void *p)
{
	if (p)
		InterlockedDecrement(&live_allocations);
	__real_free(p);
}

/* ---- sockets ---- */

static void
winsock(void)
{
	WSADATA wsa;
	mt_assert_eq(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
}

static void
set_nonblocking(SOCKET s)
{
	u_long on = 1;
	mt_assert_eq(ioctlsocket(s, FIONBIO, &on), 0);
}

/* A connected TCP pair on 127.0.0.1, both non-blocking. */
static void
tcp_pair(SOCKET *client, SOCKET *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int len = sizeof(a);
	SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
	mt_assert(l != INVALID_SOCKET, "socket: %d", WSAGetLastError());
	mt_assert_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	mt_assert_eq(listen(l, 8), 0);
	mt_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	mt_assert_eq(connect(*client, (struct sockaddr *)&a, sizeof(a)), 0);
	*server = accept(l, NULL, NULL);
	mt_assert(*server != INVALID_SOCKET, "accept: %d", WSAGetLastError());
	closesocket(l);
	set_nonblocking(*client);
	set_nonblocking(*server);
}

static void
drain(SOCKET s)
{
	char buf[256];
	while (recv(s, buf, sizeof(buf), 0) > 0)
		;
}

static int
select_ms(struct mio_selector *sel, struct mio_event *events, size_t capacity, int64_t ms)
{
	return B->select(sel, events, capacity, ms * 1000000);
}

/* Polls up to 1.5 s for an event with token; returns its flags, 0 if none came. */
static uint32_t
wait_for(struct mio_selector *sel, mio_token_t token)
{
	struct mio_event events[16];
	for (int i = 0; i < 3; i++) {
		int n = select_ms(sel, events, 16, 500);
		for (int j = 0; j < n; j++)
			if (events[j].token == token)
				return events[j].flags;
	}
	return 0;
}

static size_t
count(const struct list *head)
{
	size_t n = 0;
	for (const struct list *node = head->next; node != head; node = node->next)
		n++;
	return n;
}

static struct afd_port *
port_of(struct mio_selector *sel)
{
	/* struct mio_selector's only member (selector.c). */
	return *(struct afd_port **)(void *)sel;
}

/* ---- tests ---- */

/* mio's Windows Event accessors (event.rs), from the AFD bits. */
#define MIO_READABLE                                                                         \
	(AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ACCEPT | AFD_POLL_ABORT |         \
	 AFD_POLL_CONNECT_FAIL)
#define MIO_WRITABLE (AFD_POLL_SEND | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)
#define MIO_ERROR AFD_POLL_CONNECT_FAIL
#define MIO_READ_CLOSED (AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)
#define MIO_WRITE_CLOSED (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)

MT_TEST(afd, event_flags_answer_as_mio)
{
	static const uint32_t bits[] = { AFD_POLL_RECEIVE, AFD_POLL_SEND, AFD_POLL_DISCONNECT,
					 AFD_POLL_ABORT, AFD_POLL_ACCEPT, AFD_POLL_CONNECT_FAIL };
	for (unsigned m = 1; m < 1u << 6; m++) {
		uint32_t afd = 0;
		for (unsigned i = 0; i < 6; i++)
			if (m & (1u << i))
				afd |= bits[i];
		struct mio_event e = { mio__afd_event_flags(afd), 0 };
		mt_assert(mio_event_is_readable(&e) == ((afd & MIO_READABLE) != 0), "%#x", afd);
		mt_assert(mio_event_is_writable(&e) == ((afd & MIO_WRITABLE) != 0), "%#x", afd);
		mt_assert(mio_event_is_error(&e) == ((afd & MIO_ERROR) != 0), "%#x", afd);
		mt_assert(mio_event_is_read_closed(&e) == ((afd & MIO_READ_CLOSED) != 0), "%#x",
			  afd);
		mt_assert(mio_event_is_write_closed(&e) == ((afd & MIO_WRITE_CLOSED) != 0), "%#x",
			  afd);
		mt_assert(!mio_event_is_priority(&e) && !mio_event_is_aio(&e) &&
				  !mio_event_is_lio(&e),
			  "%#x", afd);
	}
}

#define MANY 100

MT_TEST(afd, sockets_share_helper_handles_by_32)
{
	static SOCKET c[MANY], s[MANY];
	static struct mio_backend_reg *reg[MANY];
	static int seen[MANY];
	struct mio_selector *sel;
	struct mio_event events[16]; /* fewer than the sockets that will be ready */
	winsock();
	mt_assert_ok(B->selector_new(&sel));
	for (int i = 0; i < MANY; i++) {
		tcp_pair(&c[i], &s[i]);
		mt_assert_ok(B->register_fd(sel, s[i], 1000 + i, MIO_INTEREST_READABLE, &reg[i]));
	}
	mt_assert_eq(count(&port_of(sel)->groups), (MANY + AFD_GROUP_MAX_SIZE - 1) /
							    AFD_GROUP_MAX_SIZE);

	for (int i = 0; i < MANY; i++)
		mt_assert_eq(send(c[i], "x", 1, 0), 1);
	int total = 0;
	for (int round = 0; round < 50 && total < MANY; round++) {
		int n = select_ms(sel, events, 16, 500);
		mt_assert_ok(n);
		for (int k = 0; k < n; k++) {
			int i = (int)events[k].token - 1000;
			mt_assert(i >= 0 && i < MANY, "token %llu", (unsigned long long)events[k].token);
			mt_assert(mio_event_is_readable(&events[k]), "flags %#x", events[k].flags);
			mt_assert_eq(seen[i]++, 0); /* edge-triggered: once */
			total++;
		}
	}
	mt_assert_eq(total, MANY);
	mt_assert_eq(select_ms(sel, events, 16, 50), 0);

	for (int i = 0; i < MANY; i++)
		mt_assert_ok(B->deregister_fd(sel, s[i], reg[i]));
	/* The cancelled polls come back and free their records; one group is kept. */
	mt_assert_eq(select_ms(sel, events, 16, 200), 0);
	mt_assert_eq(count(&port_of(sel)->regs), 0);
	mt_assert_eq(count(&port_of(sel)->groups), 1);
	B->selector_free(sel);
	for (int i = 0; i < MANY; i++) {
		closesocket(c[i]);
		closesocket(s[i]);
	}
}

#define POLLS_OUT 40

MT_TEST(afd, freeing_with_polls_out_leaks_nothing)
{
	SOCKET c[POLLS_OUT], s[POLLS_OUT];
	DWORD handles_before = 0, handles_after = 0;
	winsock();
	for (int i = 0; i < POLLS_OUT; i++)
		tcp_pair(&c[i], &s[i]);
	LONG allocations_before = live_allocations;
	for (int round = 0; round < 30; round++) {
		struct mio_selector *sel, *clone;
		struct mio_backend_waker *waker;
		struct mio_backend_reg *reg[POLLS_OUT] = { NULL };
		struct mio_event events[8];
		mt_assert_ok(B->selector_new(&sel));
		mt_assert_ok(B->selector_clone(sel, &clone));
		mt_assert_ok(B->waker_new(sel, 5, &waker));
		for (int i = 0; i < POLLS_OUT; i++)
			mt_assert_ok(B->register_fd(sel, s[i], (mio_token_t)i, MIO_INTEREST_READABLE,
						    &reg[i]));
		mt_assert_eq(select_ms(sel, events, 8, 0), 0); /* every poll is out now */
		mt_assert_eq(port_of(sel)->outstanding, POLLS_OUT);
		for (int i = 0; i < POLLS_OUT / 4; i++) /* cancelled, completion not dequeued */
			mt_assert_ok(B->deregister_fd(sel, s[i], reg[i]));
		mt_assert_ok(B->waker_wake(waker));
		B->waker_free(waker);
		/* The rest die with the family, as the core's registrations do. */
		B->selector_free(sel);
		B->selector_free(clone);
		if (round == 4)
			GetProcessHandleCount(GetCurrentProcess(), &handles_before);
	}
	GetProcessHandleCount(GetCurrentProcess(), &handles_after);
	mt_assert(live_allocations == allocations_before, "%ld allocations left",
		  (long)(live_allocations - allocations_before));
	mt_assert(handles_after <= handles_before, "handles %lu -> %lu", handles_before,
		  handles_after);
	for (int i = 0; i < POLLS_OUT; i++) {
		closesocket(c[i]);
		closesocket(s[i]);
	}
}

MT_TEST(afd, closed_socket_record_is_renewed_for_the_reused_number)
{
	struct mio_selector *sel;
	struct mio_backend_reg *reg = NULL;
	struct mio_event events[8];
	SOCKET c, s, c2, s2;
	winsock();
	mt_assert_ok(B->selector_new(&sel));
	tcp_pair(&c, &s);
	mt_assert_ok(B->register_fd(sel, s, 1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE,
				    &reg));
	mt_assert(wait_for(sel, 1) & MIO_EVENT_OUT, "no writable event");

	/* Closed without deregistering: the poll reports LOCAL_CLOSE, which is no event. */
	closesocket(s);
	mt_assert_eq(select_ms(sel, events, 8, 100), 0);
	mt_assert(mio__afd_sock_is_stale(reg), "the record does not know its socket closed");
	/* Registered no more, as on epoll (the number is not open: -EBADF). */
	mt_assert_err(B->reregister_fd(sel, s, 2, MIO_INTEREST_READABLE, reg), -EBADF);

	/* The core hands the family's record for the number back to register. */
	struct mio_backend_reg *kept = reg;
	tcp_pair(&c2, &s2);
	mt_assert_ok(B->register_fd(sel, s2, 3, MIO_INTEREST_READABLE, &reg));
	mt_assert(reg == kept, "register replaced the record");
	mt_assert_eq(select_ms(sel, events, 8, 50), 0);
	mt_assert_eq(send(c2, "x", 1, 0), 1);
	mt_assert_eq(select_ms(sel, events, 8, 1000), 1);
	mt_assert_eq(events[0].token, 3);
	mt_assert(mio_event_is_readable(&events[0]), "flags %#x", events[0].flags);
	/* A live one is refused. */
	mt_assert_err(B->register_fd(sel, s2, 4, MIO_INTEREST_READABLE, &reg), -EEXIST);

	mt_assert_ok(B->deregister_fd(sel, s2, reg));
	B->selector_free(sel);
	closesocket(c);
	closesocket(c2);
	closesocket(s2);
}

MT_TEST(afd, handles_that_cannot_be_polled)
{
	struct mio_selector *sel;
	struct mio_backend_reg *reg = NULL;
	SOCKET c, s;
	winsock();
	mt_assert_ok(B->selector_new(&sel));
	tcp_pair(&c, &s);
	mt_assert_err(B->reregister_fd(sel, s, 1, MIO_INTEREST_READABLE, NULL), -ENOENT);
	mt_assert_err(B->deregister_fd(sel, s, NULL), -ENOENT);
	closesocket(s);
	mt_assert_err(B->register_fd(sel, s, 1, MIO_INTEREST_READABLE, &reg), -EBADF);
	mt_assert_err(B->deregister_fd(sel, s, NULL), -EBADF);
	HANDLE file = CreateFileA("NUL", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	mt_assert(file != INVALID_HANDLE_VALUE, "CreateFileA: %lu", GetLastError());
	mt_assert_err(B->register_fd(sel, (mio_fd_t)file, 1, MIO_INTEREST_READABLE, &reg), -EPERM);
	mt_assert(reg == NULL, "a record for a failed register");
	CloseHandle(file);
	mt_assert(B->selector_fd == NULL, "an IOCP cannot be nested: mio_poll_fd says -ENOTSUP");
	B->selector_free(sel);
	closesocket(c);
}

/* ---- changes from other threads during select() ---- */

#define PAIRS 12
#define MAX_TOKENS 100000

static volatile LONG change_seq;
static volatile LONG dead_at[MAX_TOKENS]; /* change_seq when the token stopped being valid */
static volatile LONG next_token;
static volatile LONG stop;
static SRWLOCK family_lock = SRWLOCK_INIT; /* the core serialises a family's changes */
static struct mio_selector *shared;

struct mutator {
	SOCKET c[PAIRS], s[PAIRS];
	struct mio_backend_reg *reg[PAIRS];
	LONG token[PAIRS];
	unsigned seed;
	LONG ops;
};

static unsigned
random_below(struct mutator *m, unsigned n)
{
	m->seed = m->seed * 1103515245u + 12345u;
	return (m->seed >> 8) % n;
}

static void
retire(LONG token)
{
	dead_at[token] = InterlockedIncrement(&change_seq);
}

static void
change_one(struct mutator *m, unsigned i, unsigned op)
{
	LONG token = InterlockedIncrement(&next_token);
	if (token >= MAX_TOKENS) {
		stop = 1;
		return;
	}
	AcquireSRWLockExclusive(&family_lock);
	if (!m->reg[i]) {
		mio_interest_t interest = MIO_INTEREST_READABLE;
		if (op & 1)
			interest |= MIO_INTEREST_WRITABLE;
		if (B->register_fd(shared, m->s[i], (mio_token_t)token, interest, &m->reg[i]) == 0)
			m->token[i] = token;
	} else if (op == 0) {
		B->deregister_fd(shared, m->s[i], m->reg[i]);
		m->reg[i] = NULL;
		retire(m->token[i]);
	} else if (op == 1 && B->reregister_fd(shared, m->s[i], (mio_token_t)token,
					       MIO_INTEREST_READABLE, m->reg[i]) == 0) {
		retire(m->token[i]);
		m->token[i] = token;
	}
	ReleaseSRWLockExclusive(&family_lock);
}

static DWORD WINAPI
mutate(void *arg)
{
	struct mutator *m = arg;
	while (!stop) {
		unsigned i = random_below(m, PAIRS), op = random_below(m, 5);
		if (op < 2 || !m->reg[i])
			change_one(m, i, op);
		else if (op == 2)
			send(m->c[i], "x", 1, 0);
		else if (op == 3) {
			drain(m->s[i]);
			/* rearm needs no family lock */
			B->rearm(shared, m->s[i], m->reg[i], MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
		}
		m->ops++;
	}
	return 0;
}

MT_TEST(afd, no_stale_token_after_concurrent_changes)
{
	static struct mutator m[2];
	HANDLE threads[2];
	struct mio_event events[8];
	LONG reported = 0, stale = 0;
	winsock();
	mt_assert_ok(B->selector_new(&shared));
	for (int k = 0; k < 2; k++) {
		m[k].seed = 1234u + (unsigned)k;
		for (int i = 0; i < PAIRS; i++)
			tcp_pair(&m[k].c[i], &m[k].s[i]);
		threads[k] = CreateThread(NULL, 0, mutate, &m[k], 0, NULL);
		mt_assert(threads[k] != NULL, "CreateThread: %lu", GetLastError());
	}
	ULONGLONG end = GetTickCount64() + 2000;
	while (GetTickCount64() < end && !stop) {
		LONG start = change_seq;
		int n = select_ms(shared, events, 8, 5);
		mt_assert_ok(n);
		for (int j = 0; j < n; j++) {
			LONG token = (LONG)events[j].token;
			mt_assert(token > 0 && token < MAX_TOKENS, "token %ld", (long)token);
			if (dead_at[token] != 0 && dead_at[token] <= start)
				stale++;
			reported++;
		}
	}
	stop = 1;
	WaitForMultipleObjects(2, threads, TRUE, INFINITE);
	mt_assert(stale == 0, "%ld of %ld events carried a token retired before select began",
		  (long)stale, (long)reported);
	mt_assert(reported > 50 && m[0].ops + m[1].ops > 500, "%ld events, %ld changes",
		  (long)reported, (long)(m[0].ops + m[1].ops));
	B->selector_free(shared); /* the registrations left die with the family */
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < PAIRS; i++) {
			closesocket(m[k].c[i]);
			closesocket(m[k].s[i]);
		}
}
