/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "ringbuf" (alias "memory") chardev: front-end output is kept in a
 * power-of-two sized in-memory ring, the oldest bytes overwritten first.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

#define RINGBUF_DEFAULT_SIZE (64 * 1024)

typedef struct RingBufChardev {
    Chardev parent;
    uint8_t *buf;
    size_t size;            /* power of two */
    uint64_t prod;          /* bytes ever written; under write_lock */
    uint64_t cons;          /* bytes ever consumed; under write_lock */
} RingBufChardev;

static bool ringbuf_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                         GError **errp)
{
    RingBufChardev *s = (RingBufChardev *)chr;
    uint64_t size = qemu_opt_get_size(opts, "size", RINGBUF_DEFAULT_SIZE);

    if (!is_power_of_2(size)) {
        error_setg(errp, "size of ringbuf chardev must be power of two");
        return false;
    }
    if (size > SIZE_MAX || !(s->buf = g_try_malloc(size))) {
        error_setg(errp, "Could not allocate a ringbuf of %" PRIu64 " bytes",
                   size);
        return false;
    }
    s->size = size;
    s->prod = s->cons = 0;
    qemu_chr_set_filename(chr, g_strdup("ringbuf"));
    return true;
}

/* Append len bytes; write_lock held. */
static void ringbuf_put(RingBufChardev *s, const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        s->buf[s->prod++ & (s->size - 1)] = buf[i];
        if (s->prod - s->cons > s->size) {
            s->cons = s->prod - s->size;
        }
    }
}

static int ringbuf_write(Chardev *chr, const uint8_t *buf, int len)
{
    ringbuf_put((RingBufChardev *)chr, buf, len);
    return len;
}

static void ringbuf_close(Chardev *chr)
{
    RingBufChardev *s = (RingBufChardev *)chr;

    g_free(s->buf);
    s->buf = NULL;
}

const ChardevDriver chardev_ringbuf_driver = {
    .name = "ringbuf",
    .instance_size = sizeof(RingBufChardev),
    .open = ringbuf_open,
    .write = ringbuf_write,
    .close = ringbuf_close,
};

static RingBufChardev *ringbuf_get(Chardev *chr, GError **errp)
{
    if (chr->driver != &chardev_ringbuf_driver) {
        error_setg(errp, "Chardev '%s' is not a ringbuf", chr->label);
        return NULL;
    }
    return (RingBufChardev *)chr;
}

uint8_t *qemu_chr_ringbuf_read(Chardev *chr, size_t size, size_t *len,
                               GError **errp)
{
    RingBufChardev *s = ringbuf_get(chr, errp);
    uint8_t *out;
    size_t i, n;

    if (!s) {
        return NULL;
    }
    g_mutex_lock(&chr->write_lock);
    n = MIN(size, (size_t)(s->prod - s->cons));
    out = g_malloc(n + 1);
    for (i = 0; i < n; i++) {
        out[i] = s->buf[s->cons++ & (s->size - 1)];
    }
    out[n] = 0;
    g_mutex_unlock(&chr->write_lock);
    *len = n;
    return out;
}

bool qemu_chr_ringbuf_write(Chardev *chr, const uint8_t *buf, size_t len,
                            GError **errp)
{
    RingBufChardev *s = ringbuf_get(chr, errp);

    if (!s) {
        return false;
    }
    g_mutex_lock(&chr->write_lock);
    ringbuf_put(s, buf, len);
    g_mutex_unlock(&chr->write_lock);
    return true;
}
