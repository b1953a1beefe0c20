/* SPDX-License-Identifier: MIT */
/* Edge emulation around poll(2): re-arming what rearm() queued before polling, and
 * collecting what poll() found into the caller's events, one-shot. Caller holds the lock. */
#include "state.h"

#include "flags.h"

/* A hung-up slot is not polled, so a closed-and-reused number is only noticed when it is
 * re-armed (a rare path: one fstat); re-arming would watch an unrelated file, so it stays
 * hidden. */
static bool
is_gone(const struct mio_backend_reg *reg)
{
	struct stat st;
	return fstat(reg->fd, &st) < 0 || st.st_dev != reg->dev || st.st_ino != reg->ino;
}

/* Gives each queued record back the events rearm() handed back; a hidden (hung-up) fd is
 * watched again whatever the direction. Reads the record's link before taking it off the
 * list: from then on a rearm() may push it again. Free records (slot 0) are skipped. */
void
mio__poll_apply_rearms(struct poll_state *s)
{
	struct mio_backend_reg *reg =
		atomic_exchange_explicit(&s->rearm_head, NULL, memory_order_acquire);
	while (reg) {
		struct mio_backend_reg *next = reg->rearm_next;
		unsigned arm = atomic_fetch_and_explicit(&reg->arm, REG_TAKEN, memory_order_acq_rel);
		struct pollfd *p = &s->pfds[reg->slot];
		if (reg->slot && (p->fd >= 0 || !is_gone(reg))) {
			p->fd = reg->fd;
			p->events |= (short)(arm >> REG_GIVEN_SHIFT) & reg->events;
		}
		reg = next;
	}
}

/* One-shot for slot i, just reported: stop watching what fired. After a hang-up or an
 * error poll() would report it forever, so the fd is hidden (negative) until re-armed; the
 * registration stays. Whoever consumes the event runs after the taken bits are stored, so
 * its rearm() sees them. */
static void
disarm(struct poll_state *s, size_t i, short revents)
{
	struct pollfd *p = &s->pfds[i];
	p->events &= (short)~revents;
	if (revents & (POLLHUP | POLLERR))
		p->fd = -p->fd - 1;
	struct mio_backend_reg *reg = s->regs[i];
	unsigned taken = (unsigned short)revents;
	if ((atomic_load_explicit(&reg->arm, memory_order_relaxed) & taken) != taken)
		atomic_fetch_or_explicit(&reg->arm, taken, memory_order_release);
}

/* Collects the ready slots of [from, to) into events, advancing *count_io and *ready_io;
 * returns false when the buffer filled up first, with s->scan_start at the first slot not
 * looked at. A POLLNVAL slot (closed without deregistering) leaves the poll set: the last
 * slot moves into its place. Processed slots get revents 0, so a slot moved in from an
 * already scanned range is not reported twice. The loop state lives in locals: the stores
 * into events would otherwise force it back to memory on every slot. */
static bool
collect_range(struct poll_state *s, size_t from, size_t to, struct mio_event *restrict events,
	      size_t capacity, size_t *count_io, int *ready_io)
{
	struct pollfd *pfds = s->pfds;
	size_t count = *count_io;
	int ready = *ready_io;
	bool fits = true;
	for (size_t i = from; ready > 0;) {
		while (i < to && !pfds[i].revents)
			i++;
		if (i == to)
			break;
		if (count == capacity) {
			s->scan_start = i;
			fits = false;
			break;
		}
		short re = pfds[i].revents;
		pfds[i].revents = 0;
		ready--;
		if (re & POLLNVAL) {
			if (s->nfds == to)
				to--; /* the slot moving into i was not scanned yet */
			mio__poll_set_remove(s, s->regs[i]);
			continue;
		}
		uint32_t flags = poll_event_flags(re);
		/* POLLIN may be disarmed by an earlier partial read; a peer's shutdown still
		 * means read() will not block, as epoll's EPOLLIN|EPOLLRDHUP edge says. */
		if (flags & MIO_EVENT_RDHUP)
			flags |= MIO_EVENT_IN;
		events[count].flags = flags;
		events[count].token = (uint64_t)s->regs[i]->token;
		count++;
		disarm(s, i, re);
		i++;
	}
	*count_io = count;
	*ready_io = ready;
	return fits;
}

/* A pending wake is reported at the waker's turn in the rotation: position 0, where its
 * notifier sits in the poll set. Returns false when the buffer is full first; the wake
 * stays pending and the next collection starts with it. */
static bool
collect_wake(struct poll_state *s, struct mio_event *restrict events, size_t capacity,
	     size_t *count_io)
{
	if (!atomic_load(&s->wake_pending))
		return true;
	if (*count_io == capacity) {
		s->scan_start = 0;
		return false;
	}
	if (atomic_exchange(&s->wake_pending, false)) {
		events[*count_io].flags = MIO_EVENT_IN;
		events[*count_io].token = (uint64_t)atomic_load(&s->waker_token);
		(*count_io)++;
	}
	return true;
}

/* Collection starts where the buffer last filled up and wraps around, the waker included
 * at position 0, so what is ready beyond the capacity is reported by the next select()s
 * instead of being starved by the lower slots or by a wake before every poll (epoll rotates
 * its ready list likewise). */
size_t
mio__poll_collect(struct poll_state *s, struct mio_event *restrict events, size_t capacity,
		  int ready)
{
	size_t count = 0;
	if (s->pfds[0].revents)
		ready--;
	size_t start = s->scan_start < s->nfds ? s->scan_start : 0;
	s->scan_start = 0;
	if (start > 0 && !collect_range(s, start, s->nfds, events, capacity, &count, &ready))
		return count;
	if (!collect_wake(s, events, capacity, &count))
		return count;
	size_t end = start > 0 && start < s->nfds ? start : s->nfds;
	collect_range(s, 1, end, events, capacity, &count, &ready);
	return count;
}
