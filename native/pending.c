/*
 * The list of held calls. Few are held at once (one per waiting thread), so a list is enough;
 * several may wait at the same time while every other thread keeps running.
 */

#include <stdlib.h>

#include "pending.h"

static struct sg_pending *head;
static size_t count;

struct sg_pending *
sg_pending_new(void)
{
	return calloc(1, sizeof(struct sg_pending));
}

void
sg_pending_add(struct sg_pending *p)
{
	p->next = head;
	head = p;
	count++;
}

struct sg_pending *
sg_pending_find(uint64_t qid)
{
	struct sg_pending *p;

	for (p = head; p != NULL; p = p->next)
		if (p->qid == qid && qid != 0)
			return p;
	return NULL;
}

void
sg_pending_unlink(struct sg_pending *p)
{
	struct sg_pending **pp;

	for (pp = &head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			p->next = NULL;
			count--;
			return;
		}
	}
}

void
sg_pending_free(struct sg_pending *p)
{
	if (p == NULL)
		return;
	sg_syscall_free(&p->call);
	free(p->exec);
	free(p);
}

struct sg_pending *
sg_pending_first(void)
{
	return head;
}

size_t
sg_pending_count(void)
{
	return count;
}
