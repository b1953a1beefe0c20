/* SPDX-License-Identifier: MIT */
/* A consumer of <mio/mio.h>, compiled by check-headers.sh as strict C99 and as C++ and
 * linked against libmio: the link fails if a declaration lacks C linkage. */
#include <mio/mio.h>

int
main(void)
{
	struct mio_poll *poll = NULL;
	int (*create)(struct mio_poll **) = mio_poll_new;
	return create == NULL || mio_strerror(-1) == NULL || poll != NULL;
}
