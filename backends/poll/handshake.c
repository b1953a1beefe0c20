/* SPDX-License-Identifier: MIT */
/* The select/modify handshake: registering, reregistering and deregistering take the
 * state's lock, which select() holds across poll(), and must apply to a poll() already
 * running in another thread (mio's contract).
 *
 * Uncontended, a trylock is all: no select() holds the lock, so none is polling or
 * collecting, and the next one sees the change. Otherwise the modifier counts itself in
 * waiting_ops, then signals the notifier if a poll() is running (Dekker with select():
 * seq_cst on both sides, so one of them sees the other); select() lets it in before
 * collecting anything and polls again afterwards, so a deregistered fd is never reported
 * once deregister has returned. */
#include "state.h"

bool
mio__poll_handshake_begin(struct poll_state *s)
{
	if (pthread_mutex_trylock(&s->lock) == 0)
		return false;
	atomic_fetch_add(&s->waiting_ops, 1);
	if (atomic_load(&s->in_poll))
		mio__sys_notify_signal(&s->notify);
	pthread_mutex_lock(&s->lock);
	return true;
}

/* The last counted modifier out wakes select() only when it waits for them. */
void
mio__poll_handshake_end(struct poll_state *s, bool counted)
{
	if (counted && atomic_fetch_sub(&s->waiting_ops, 1) == 1 && s->ops_waiters > 0)
		pthread_cond_broadcast(&s->ops_done);
	pthread_mutex_unlock(&s->lock);
}

void
mio__poll_handshake_wait(struct poll_state *s)
{
	while (atomic_load(&s->waiting_ops) > 0) {
		s->ops_waiters++;
		pthread_cond_wait(&s->ops_done, &s->lock);
		s->ops_waiters--;
	}
}
