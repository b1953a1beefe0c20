/* SPDX-License-Identifier: MIT */
/* An intrusive circular doubly linked list (wepoll's queue.h): the update queue, the
 * records and the poll groups of a port. A node that is in no list points to itself. */
#ifndef MIO_AFD_LIST_H
#define MIO_AFD_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list {
	struct list *prev, *next;
};

#define list_entry(node, type, member) ((type *)(void *)((char *)(node) - offsetof(type, member)))

static inline void
list_init(struct list *node)
{
	node->prev = node->next = node;
}

static inline bool
list_is_empty(const struct list *head)
{
	return head->next == head;
}

/* For a node: whether it is in a list. */
static inline bool
list_is_linked(const struct list *node)
{
	return node->next != node;
}

static inline struct list *
list_first(const struct list *head)
{
	return list_is_empty(head) ? NULL : head->next;
}

static inline struct list *
list_last(const struct list *head)
{
	return list_is_empty(head) ? NULL : head->prev;
}

static inline void
list_remove(struct list *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	list_init(node);
}

/* Inserts node (in no list) between prev and prev->next. */
static inline void
list_insert_after(struct list *prev, struct list *node)
{
	node->prev = prev;
	node->next = prev->next;
	prev->next->prev = node;
	prev->next = node;
}

static inline void
list_append(struct list *head, struct list *node)
{
	list_insert_after(head->prev, node);
}

static inline void
list_prepend(struct list *head, struct list *node)
{
	list_insert_after(head, node);
}

/* Moves a linked node to the end (or start) of head. */
static inline void
list_move_to_end(struct list *head, struct list *node)
{
	list_remove(node);
	list_append(head, node);
}

static inline void
list_move_to_start(struct list *head, struct list *node)
{
	list_remove(node);
	list_prepend(head, node);
}

#endif
