/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input lines (qemu_irq): a handler, its opaque and the line's index.
 */
#include "qemu/osdep.h"

#include "hw/irq.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
};

void qemu_set_irq(qemu_irq irq, int level)
{
    if (irq && irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = g_new0(struct IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

void qemu_free_irq(qemu_irq irq)
{
    g_free(irq);
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq *irqs = g_new0(qemu_irq, n);

    for (int i = 0; i < n; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irqs(qemu_irq *irqs, int n)
{
    if (!irqs) {
        return;
    }
    for (int i = 0; i < n; i++) {
        qemu_free_irq(irqs[i]);
    }
    g_free(irqs);
}

qemu_irq_handler qemu_irq_get_handler(qemu_irq irq)
{
    return irq->handler;
}

void *qemu_irq_get_opaque(qemu_irq irq)
{
    return irq->opaque;
}

int qemu_irq_get_index(qemu_irq irq)
{
    return irq->n;
}

void qemu_irq_set_handler(qemu_irq irq, qemu_irq_handler handler,
                          void *opaque)
{
    irq->handler = handler;
    irq->opaque = opaque;
}
