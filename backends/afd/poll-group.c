/* SPDX-License-Identifier: MIT */
/* Poll groups (mio's AfdGroup, wepoll's poll-group.c). */
#include "poll-group.h"

#include <errno.h>
#include <stdlib.h>

#include "afd.h"

static void
group_free(struct afd_group *group)
{
	list_remove(&group->node);
	CloseHandle(group->afd);
	free(group);
}

int
mio__afd_group_acquire(struct list *groups, HANDLE iocp, struct afd_group **ret)
{
	struct list *last = list_last(groups);
	struct afd_group *group = last ? list_entry(last, struct afd_group, node) : NULL;

	if (!group || group->size >= AFD_GROUP_MAX_SIZE) {
		group = malloc(sizeof(*group));
		if (!group)
			return -ENOMEM;
		int err = mio__afd_device_open(iocp, &group->afd);
		if (err < 0) {
			free(group);
			return err;
		}
		group->size = 0;
		list_append(groups, &group->node);
	}
	if (++group->size == AFD_GROUP_MAX_SIZE)
		list_move_to_start(groups, &group->node);
	*ret = group;
	return 0;
}

void
mio__afd_group_release(struct list *groups, struct afd_group *group)
{
	group->size--;
	if (group->size == 0 && (groups->next != &group->node || groups->prev != &group->node))
		group_free(group);
	else
		list_move_to_end(groups, &group->node);
}

void
mio__afd_group_free_all(struct list *groups)
{
	struct list *node;
	while ((node = list_first(groups)))
		group_free(list_entry(node, struct afd_group, node));
}
