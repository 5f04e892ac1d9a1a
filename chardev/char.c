/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev core: the driver table, the "-chardev" option list, the registry
 * of named chardevs, creation from options, and the backend-side calls
 * (input, events, serialised writes with logfile mirroring).
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

/* Backend names accepted by -chardev, in "-chardev help" order. */
static const struct {
    const char *name;
    const ChardevDriver *driver;
    bool alias;                 /* not listed by help */
} chardev_driver_table[] = {
    { "file", &chardev_file_driver, false },
    { "null", &chardev_null_driver, false },
    { "pipe", &chardev_pipe_driver, false },
    { "pty", &chardev_pty_driver, false },
    { "ringbuf", &chardev_ringbuf_driver, false },
    { "memory", &chardev_ringbuf_driver, true },
    { "serial", &chardev_serial_driver, false },
    { "tty", &chardev_serial_driver, true },
    { "socket", &chardev_socket_driver, false },
    { "stdio", &chardev_stdio_driver, false },
};

QemuOptsList qemu_chardev_opts = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .desc = {
        { .name = "backend", .type = QEMU_OPT_STRING },
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "host", .type = QEMU_OPT_STRING },
        { .name = "port", .type = QEMU_OPT_STRING },
        { .name = "fd", .type = QEMU_OPT_STRING },
        { .name = "to", .type = QEMU_OPT_NUMBER },
        { .name = "ipv4", .type = QEMU_OPT_BOOL },
        { .name = "ipv6", .type = QEMU_OPT_BOOL },
        { .name = "nodelay", .type = QEMU_OPT_BOOL },
        { .name = "server", .type = QEMU_OPT_BOOL },
        { .name = "wait", .type = QEMU_OPT_BOOL },
        { .name = "reconnect-ms", .type = QEMU_OPT_NUMBER },
        { .name = "abstract", .type = QEMU_OPT_BOOL },
        { .name = "tight", .type = QEMU_OPT_BOOL },
        { .name = "telnet", .type = QEMU_OPT_BOOL },
        { .name = "tn3270", .type = QEMU_OPT_BOOL },
        { .name = "websocket", .type = QEMU_OPT_BOOL },
        { .name = "tls-creds", .type = QEMU_OPT_STRING },
        { .name = "tls-authz", .type = QEMU_OPT_STRING },
        { .name = "append", .type = QEMU_OPT_BOOL },
        { .name = "input-path", .type = QEMU_OPT_STRING },
        { .name = "signal", .type = QEMU_OPT_BOOL },
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "mux", .type = QEMU_OPT_BOOL },
        { .name = "logfile", .type = QEMU_OPT_STRING },
        { .name = "logappend", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

/* Every chardev, in creation order. BQL. */
static GPtrArray *chardevs;

static const ChardevDriver *chardev_driver_find(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(chardev_driver_table); i++) {
        if (strcmp(chardev_driver_table[i].name, name) == 0) {
            return chardev_driver_table[i].driver;
        }
    }
    return NULL;
}

void qemu_chr_print_help(void)
{
    size_t i;

    printf("Available chardev backend types:\n");
    for (i = 0; i < ARRAY_SIZE(chardev_driver_table); i++) {
        if (!chardev_driver_table[i].alias) {
            printf("  %s\n", chardev_driver_table[i].name);
        }
    }
}

Chardev *qemu_chr_find(const char *id)
{
    guint i;

    for (i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);

        if (strcmp(chr->label, id) == 0) {
            return chr;
        }
    }
    return NULL;
}

const char *qemu_chr_label(Chardev *chr)
{
    return chr->label;
}

char *qemu_chr_filename(Chardev *chr)
{
    if (chr->driver->describe) {
        return chr->driver->describe(chr);
    }
    return g_strdup(chr->filename ? chr->filename : chr->driver->name);
}

bool qemu_chr_frontend_open(Chardev *chr)
{
    if (chr->is_mux) {
        return chr->mux_users > 0;
    }
    return chr->be && chr->be->fe_open;
}

bool qemu_chr_is_open(Chardev *chr)
{
    return qatomic_read(&chr->be_open);
}

void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    guint i;

    for (i = 0; chardevs && i < chardevs->len; i++) {
        fn(g_ptr_array_index(chardevs, i), opaque);
    }
}

void qemu_chr_set_filename(Chardev *chr, char *filename)
{
    g_free(chr->filename);
    chr->filename = filename;
}

static bool chr_open_logfile(Chardev *chr, QemuOpts *opts, GError **errp)
{
    const char *path = opts ? qemu_opt_get(opts, "logfile") : NULL;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    chr->logfd = -1;
    if (!path) {
        return true;
    }
    flags |= qemu_opt_get_bool(opts, "logappend", false) ? O_APPEND
                                                          : O_TRUNC;
    chr->logfd = open(path, flags, 0666);
    if (chr->logfd < 0) {
        error_setg(errp, "Unable to open logfile '%s': %s", path,
                   g_strerror(errno));
        return false;
    }
    return true;
}

Chardev *qemu_chr_create(const ChardevDriver *driver, const char *label,
                         QemuOpts *opts, GError **errp)
{
    Chardev *chr;
    bool be_opened = true;

    if (qemu_chr_find(label)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", label);
        return NULL;
    }
    assert(driver->instance_size >= sizeof(Chardev));
    chr = g_malloc0(driver->instance_size);
    chr->driver = driver;
    chr->label = g_strdup(label);
    g_mutex_init(&chr->write_lock);
    if (!chr_open_logfile(chr, opts, errp) ||
        !driver->open(chr, opts, &be_opened, errp)) {
        if (chr->logfd >= 0) {
            close(chr->logfd);
        }
        g_mutex_clear(&chr->write_lock);
        g_free(chr->filename);
        g_free(chr->label);
        g_free(chr);
        return NULL;
    }
    qemu_chr_set_open(chr, be_opened);
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, chr);
    qemu_chr_qom_add(chr);
    return chr;
}

void qemu_chr_destroy(Chardev *chr)
{
    assert(!chr->be);
    qemu_chr_qom_del(chr);
    if (chardevs) {
        g_ptr_array_remove(chardevs, chr);
    }
    if (chr->driver->close) {
        chr->driver->close(chr);
    }
    if (chr->logfd >= 0) {
        close(chr->logfd);
    }
    g_mutex_clear(&chr->write_lock);
    g_free(chr->filename);
    g_free(chr->label);
    g_free(chr);
}

Chardev *qemu_chr_new_from_opts(QemuOpts *opts, GError **errp)
{
    const char *backend = qemu_opt_get(opts, "backend");
    const char *id = qemu_opts_id(opts);
    const ChardevDriver *driver;
    g_autofree char *base_label = NULL;
    Chardev *chr;

    if (!backend) {
        error_setg(errp, "Parameter 'backend' is missing");
        return NULL;
    }
    driver = chardev_driver_find(backend);
    if (!driver) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier\n"
                   ID_WELLFORMED_HINT);
        return NULL;
    }
    if (qemu_chr_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    if (!qemu_opt_get_bool(opts, "mux", false)) {
        return qemu_chr_create(driver, id, opts, errp);
    }
    /* mux=on: the backend proper is "<id>-base", front ends use "<id>". */
    base_label = g_strdup_printf("%s-base", id);
    chr = qemu_chr_create(driver, base_label, opts, errp);
    if (!chr) {
        return NULL;
    }
    return qemu_chr_mux_new(id, chr, errp);
}

bool qemu_chr_delete(const char *id, GError **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return false;
    }
    if (chr->be || chr->mux_users > 0) {
        error_setg(errp, "Chardev '%s' is busy", id);
        return false;
    }
    qemu_chr_destroy(chr);
    return true;
}

void qemu_chr_cleanup(void)
{
    /*
     * Newest first: a mux is created after its inner chardev and destroys
     * that one itself when it goes.
     */
    while (chardevs && chardevs->len) {
        Chardev *chr = g_ptr_array_index(chardevs, chardevs->len - 1);

        if (chr->be) {
            CharBackend *be = chr->be;

            /* Detached first, so clearing its handlers stays local. */
            chr->be = NULL;
            be->chr = NULL;
            qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL, NULL);
        }
        qemu_chr_destroy(chr);
    }
    if (chardevs) {
        g_ptr_array_unref(chardevs);
        chardevs = NULL;
    }
}

void qemu_chr_emergency_cleanup(void)
{
    chr_stdio_emergency_cleanup();
    chr_socket_emergency_cleanup();
}

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_can_read || !qemu_chr_fe_may_read(be)) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->chr_read && len > 0) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_set_open(Chardev *chr, bool open)
{
    if (open && !chr->be_open) {
        qatomic_inc(&chr->open_gen);
    }
    qatomic_set(&chr->be_open, open);
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    qemu_chr_set_open(chr, event == CHR_EVENT_OPENED);
    if (chr->be) {
        qemu_chr_fe_announce(chr->be, event);
    }
}

/* Mirror written output to the logfile; errors there are not fatal. */
static void chr_log(Chardev *chr, const uint8_t *buf, int len)
{
    while (len > 0) {
        ssize_t n = write(chr->logfd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        buf += n;
        len -= n;
    }
}

int qemu_chr_write(Chardev *chr, const uint8_t *buf, int len, bool all)
{
    int done = 0, saved_errno = 0;

    if (len <= 0) {
        return 0;
    }
    g_mutex_lock(&chr->write_lock);
    while (done < len) {
        int rc = chr->driver->write(chr, buf + done, len - done);

        if (rc == 0) {
            /* No progress without an error counts as "try again". */
            rc = -1;
            errno = EAGAIN;
        }
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN && all && chr->driver->wait_writable &&
                chr->driver->wait_writable(chr)) {
                continue;
            }
            saved_errno = errno;
            break;
        }
        done += rc;
        if (!all) {
            break;
        }
    }
    if (done > 0 && chr->logfd >= 0) {
        chr_log(chr, buf, done);
    }
    g_mutex_unlock(&chr->write_lock);

    if (done == 0 || (all && done < len)) {
        errno = saved_errno ? saved_errno : EIO;
        return -1;
    }
    return done;
}

bool qemu_chr_wait_writable(Chardev *chr)
{
    bool ok;

    if (!chr->driver->wait_writable) {
        return true;
    }
    g_mutex_lock(&chr->write_lock);
    ok = chr->driver->wait_writable(chr);
    g_mutex_unlock(&chr->write_lock);
    return ok;
}
