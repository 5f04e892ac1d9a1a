/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared pieces of the chardev unit tests (see char-test-util.h). */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"

#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include "char-test-util.h"

char *tmpdir;


int fe_can_read(void *opaque)
{
    FeState *s = opaque;

    return s->budget < 0 ? 4096 : s->budget;
}

void fe_read(void *opaque, const uint8_t *buf, int size)
{
    FeState *s = opaque;

    g_assert_cmpint(size, >, 0);
    g_assert_cmpint(size, <=, fe_can_read(s));
    g_byte_array_append(s->rx, buf, size);
    s->max_chunk = MAX(s->max_chunk, size);
    if (s->budget >= 0) {
        s->budget -= size;
    }
    if (s->grab_fds) {
        s->nfds += qemu_chr_fe_get_msgfds(&s->be, s->fds + s->nfds,
                                          ARRAY_SIZE(s->fds) - s->nfds);
    }
}

void fe_event(void *opaque, QEMUChrEvent event)
{
    FeState *s = opaque;

    if (event == CHR_EVENT_OPENED) {
        s->opened++;
    } else {
        s->closed++;
    }
}

void fe_attach(FeState *s, Chardev *chr)
{
    g_autoptr(GError) err = NULL;

    memset(s, 0, sizeof(*s));
    s->rx = g_byte_array_new();
    s->budget = -1;
    g_assert_true(qemu_chr_fe_init(&s->be, chr, &err));
    g_assert_no_error(err);
    qemu_chr_fe_set_handlers(&s->be, fe_can_read, fe_read, fe_event, s,
                             NULL);
}

void fe_detach(FeState *s)
{
    qemu_chr_fe_deinit(&s->be, false);
    g_byte_array_unref(s->rx);
    s->rx = NULL;
}

static gboolean deadline_cb(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/* Iterate the default context until cond holds or WAIT_MS passed. */
bool loop_until(bool (*cond)(void *), void *opaque)
{
    bool expired = false;
    GSource *timer = g_timeout_source_new(WAIT_MS);

    g_source_set_callback(timer, deadline_cb, &expired, NULL);
    g_source_attach(timer, NULL);
    while (!cond(opaque) && !expired) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_destroy(timer);
    g_source_unref(timer);
    return cond(opaque);
}

typedef struct FeWait {
    FeState *fe;
    int opened;
    int closed;
    guint rx_len;
} FeWait;

static bool fe_wait_cond(void *opaque)
{
    FeWait *w = opaque;

    return w->fe->opened >= w->opened && w->fe->closed >= w->closed &&
           w->fe->rx->len >= w->rx_len;
}

void wait_fe(FeState *fe, int opened, int closed, guint rx_len)
{
    FeWait w = { fe, opened, closed, rx_len };

    g_assert_true(loop_until(fe_wait_cond, &w));
}

/* Run whatever is ready now; returns the iterations it took to go idle. */
int drain_context(void)
{
    int n = 0;

    while (n < 1000 && g_main_context_iteration(NULL, FALSE)) {
        n++;
    }
    return n;
}

void assert_rx(FeState *fe, const char *expected)
{
    g_assert_cmpuint(fe->rx->len, ==, strlen(expected));
    g_assert_cmpint(memcmp(fe->rx->data, expected, fe->rx->len), ==, 0);
}

/* Read exactly len bytes from fd (any blocking mode) within WAIT_MS. */
void peer_read_exact(int fd, void *buf, size_t len)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        ssize_t n;

        g_assert_cmpint(left, >, 0);
        g_assert_cmpint(poll(&pfd, 1, left), ==, 1);
        n = read(fd, (uint8_t *)buf + got, len - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

/* True when fd reports end-of-file within WAIT_MS. */
bool peer_sees_eof(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    char c;

    return poll(&pfd, 1, WAIT_MS) == 1 && read(fd, &c, 1) == 0;
}

void peer_write(int fd, const char *s)
{
    g_assert_cmpint(write(fd, s, strlen(s)), ==, (ssize_t)strlen(s));
}

char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

Chardev *chr_from_opts(const char *params, GError **errp)
{
    QemuOpts *opts = qemu_opts_parse(&qemu_chardev_opts, params, true, errp);
    Chardev *chr;

    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    qemu_opts_del(opts);
    return chr;
}

Chardev *chr_from_opts_ok(const char *params)
{
    g_autoptr(GError) err = NULL;
    Chardev *chr = chr_from_opts(params, &err);

    g_assert_no_error(err);
    g_assert_nonnull(chr);
    return chr;
}

void chr_from_opts_fails(const char *params, const char *message)
{
    g_autoptr(GError) err = NULL;

    g_test_message("-chardev %s", params);
    g_assert_null(chr_from_opts(params, &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, message);
}

void end_test(void)
{
    qemu_chr_cleanup();
    qemu_opts_reset(&qemu_chardev_opts);
    drain_context();
}


static void rm_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);

        unlink(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
}

void char_test_init(int *argc, char ***argv)
{
    g_test_init(argc, argv, NULL);
    /* A closed peer must show up as an error, never kill the test. */
    signal(SIGPIPE, SIG_IGN);
    tmpdir = g_dir_make_tmp("test-char-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
}

int char_test_run(void)
{
    int ret = g_test_run();

    rm_tree(tmpdir);
    g_clear_pointer(&tmpdir, g_free);
    return ret;
}
