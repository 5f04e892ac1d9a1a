/*
 * Interrupt and GPIO lines between device models.
 *
 * A qemu_irq is an input line: a handler(opaque, n, level) plus its index.
 * Output lines are qemu_irq variables inside a device that point at the
 * input they are connected to (NULL = unconnected, driving it is a no-op).
 * Lines are driven with the BQL held.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

#include <stdbool.h>

typedef struct IRQState *qemu_irq;

/* handler(opaque, n, level): n is the line's index in its list. */
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

/* Drive a line; a NULL line is ignored. */
void qemu_set_irq(qemu_irq irq, int level);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

/* Raise then lower. */
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

/* A standalone input line (free with qemu_free_irq). */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
/* n lines numbered 0..n-1 (free with qemu_free_irqs). */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irqs(qemu_irq *irqs, int n);

/* The handler/opaque/index of a line (for interception). */
qemu_irq_handler qemu_irq_get_handler(qemu_irq irq);
void *qemu_irq_get_opaque(qemu_irq irq);
int qemu_irq_get_index(qemu_irq irq);
/* Replace the handler/opaque of an existing line (interception). */
void qemu_irq_set_handler(qemu_irq irq, qemu_irq_handler handler,
                          void *opaque);

#endif /* HW_IRQ_H */
