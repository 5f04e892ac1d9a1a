/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of the chardev subsystem: query-chardev, chardev-add and
 * chardev-remove (the ChardevBackend union becomes the equivalent
 * -chardev options, so both paths create chardevs the same way), and
 * ringbuf-read / ringbuf-write.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"

typedef struct ChardevInfoBuilder {
    ChardevInfoList *head;
    ChardevInfoList **tail;
} ChardevInfoBuilder;

static void chardev_info_add(Chardev *chr, void *opaque)
{
    ChardevInfoBuilder *b = opaque;
    ChardevInfo *info = g_new0(ChardevInfo, 1);
    ChardevInfoList *entry = g_new0(ChardevInfoList, 1);

    info->label = g_strdup(qemu_chr_label(chr));
    info->filename = qemu_chr_filename(chr);
    info->frontend_open = qemu_chr_frontend_open(chr);
    entry->value = info;
    *b->tail = entry;
    b->tail = &entry->next;
}

ChardevInfoList *qmp_query_chardev(GError **errp)
{
    ChardevInfoBuilder b = { NULL, &b.head };

    qemu_chr_foreach(chardev_info_add, &b);
    return b.head;
}

/* ---- chardev-add / chardev-remove ---- */

static bool opt_set(QemuOpts *opts, const char *name, const char *value,
                    GError **errp)
{
    return !value || qemu_opt_set(opts, name, value, errp);
}

static bool opt_set_bool(QemuOpts *opts, const char *name, bool has,
                         bool value, GError **errp)
{
    return !has || qemu_opt_set(opts, name, value ? "on" : "off", errp);
}

static bool opt_set_int(QemuOpts *opts, const char *name, bool has,
                        int64_t value, GError **errp)
{
    g_autofree char *s = has ? g_strdup_printf("%" PRId64, value) : NULL;

    return opt_set(opts, name, s, errp);
}

/* The common members (logfile, logappend) start every backend struct. */
static bool common_to_opts(QemuOpts *opts, ChardevCommon *c, GError **errp)
{
    return opt_set(opts, "logfile", c->logfile, errp) &&
           opt_set_bool(opts, "logappend", c->has_logappend, c->logappend,
                        errp);
}

/* fd=: a number, or a name given to getfd on the current monitor. */
static char *socket_fd_str(const char *str, GError **errp)
{
    int fd;

    if (g_ascii_isdigit(str[0])) {
        return g_strdup(str);
    }
    fd = monitor_get_fd(monitor_cur(), str, errp);
    return fd < 0 ? NULL : g_strdup_printf("%d", fd);
}

static bool socket_to_opts(QemuOpts *opts, ChardevSocket *s, GError **errp)
{
    SocketAddressLegacy *a = s->addr;

    if (!common_to_opts(opts, (ChardevCommon *)s, errp) ||
        !opt_set(opts, "tls-creds", s->tls_creds, errp) ||
        !opt_set(opts, "tls-authz", s->tls_authz, errp) ||
        !opt_set_bool(opts, "server", s->has_server, s->server, errp) ||
        !opt_set_bool(opts, "wait", s->has_wait, s->wait, errp) ||
        !opt_set_bool(opts, "nodelay", s->has_nodelay, s->nodelay, errp) ||
        !opt_set_bool(opts, "telnet", s->has_telnet, s->telnet, errp) ||
        !opt_set_bool(opts, "tn3270", s->has_tn3270, s->tn3270, errp) ||
        !opt_set_bool(opts, "websocket", s->has_websocket, s->websocket,
                      errp) ||
        !opt_set_int(opts, "reconnect-ms", s->has_reconnect_ms,
                     s->reconnect_ms, errp)) {
        return false;
    }
    switch (a->type) {
    case SOCKET_ADDRESS_TYPE_INET: {
        InetSocketAddress *in = a->u.inet.data;

        return opt_set(opts, "host", in->host, errp) &&
               opt_set(opts, "port", in->port, errp) &&
               opt_set_int(opts, "to", in->has_to, in->to, errp) &&
               opt_set_bool(opts, "ipv4", in->has_ipv4, in->ipv4, errp) &&
               opt_set_bool(opts, "ipv6", in->has_ipv6, in->ipv6, errp);
    }
    case SOCKET_ADDRESS_TYPE_UNIX: {
        UnixSocketAddress *un = a->u.q_unix.data;

        return opt_set(opts, "path", un->path, errp) &&
               opt_set_bool(opts, "abstract", un->has_abstract, un->abstract,
                            errp) &&
               opt_set_bool(opts, "tight", un->has_tight, un->tight, errp);
    }
    case SOCKET_ADDRESS_TYPE_FD: {
        g_autofree char *fd = socket_fd_str(a->u.fd.data->str, errp);

        return fd && opt_set(opts, "fd", fd, errp);
    }
    default:
        error_setg(errp, "vsock sockets are not supported");
        return false;
    }
}

/* The -chardev options equivalent to backend. */
static bool backend_to_opts(QemuOpts *opts, ChardevBackend *b,
                            GError **errp)
{
    if (!qemu_opt_set(opts, "backend", ChardevBackendKind_str(b->type),
                      errp)) {
        return false;
    }
    switch (b->type) {
    case CHARDEV_BACKEND_KIND_FILE: {
        ChardevFile *f = b->u.file.data;

        return common_to_opts(opts, (ChardevCommon *)f, errp) &&
               opt_set(opts, "path", f->out, errp) &&
               opt_set(opts, "input-path", f->in, errp) &&
               opt_set_bool(opts, "append", f->has_append, f->append, errp);
    }
    case CHARDEV_BACKEND_KIND_SERIAL:
    case CHARDEV_BACKEND_KIND_PIPE: {
        ChardevHostdev *d = b->type == CHARDEV_BACKEND_KIND_SERIAL
                            ? b->u.serial.data : b->u.pipe.data;

        return common_to_opts(opts, (ChardevCommon *)d, errp) &&
               opt_set(opts, "path", d->device, errp);
    }
    case CHARDEV_BACKEND_KIND_SOCKET:
        return socket_to_opts(opts, b->u.socket.data, errp);
    case CHARDEV_BACKEND_KIND_PTY: {
        ChardevPty *p = b->u.pty.data;

        return common_to_opts(opts, (ChardevCommon *)p, errp) &&
               opt_set(opts, "path", p->path, errp);
    }
    case CHARDEV_BACKEND_KIND_NULL:
        return common_to_opts(opts, b->u.null.data, errp);
    case CHARDEV_BACKEND_KIND_STDIO: {
        ChardevStdio *s = b->u.stdio.data;

        return common_to_opts(opts, (ChardevCommon *)s, errp) &&
               opt_set_bool(opts, "signal", s->has_signal, s->signal, errp);
    }
    case CHARDEV_BACKEND_KIND_RINGBUF:
    case CHARDEV_BACKEND_KIND_MEMORY: {
        ChardevRingbuf *r = b->type == CHARDEV_BACKEND_KIND_RINGBUF
                            ? b->u.ringbuf.data : b->u.memory.data;

        return common_to_opts(opts, (ChardevCommon *)r, errp) &&
               opt_set_int(opts, "size", r->has_size, r->size, errp);
    }
    default:
        error_setg(errp, "backend type '%s' is not supported",
                   ChardevBackendKind_str(b->type));
        return false;
    }
}

ChardevReturn *qmp_chardev_add(const char *id, ChardevBackend *backend,
                               GError **errp)
{
    QemuOpts *opts;
    Chardev *chr;
    ChardevReturn *ret;

    if (qemu_chr_find(id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return NULL;
    }
    opts = qemu_opts_create(&qemu_chardev_opts, id, true, errp);
    if (!opts) {
        return NULL;
    }
    if (!backend_to_opts(opts, backend, errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    qemu_opts_del(opts);
    if (!chr) {
        return NULL;
    }
    ret = g_new0(ChardevReturn, 1);
    if (backend->type == CHARDEV_BACKEND_KIND_PTY && chr->filename &&
        g_str_has_prefix(chr->filename, "pty:")) {
        ret->pty = g_strdup(chr->filename + strlen("pty:"));
    }
    return ret;
}

void qmp_chardev_remove(const char *id, GError **errp)
{
    qemu_chr_delete(id, errp);
}

/* ---- ringbuf-read / ringbuf-write ---- */

static Chardev *ringbuf_find(const char *device, GError **errp)
{
    Chardev *chr = qemu_chr_find(device);

    if (!chr) {
        error_setg(errp, "Device '%s' not found", device);
        return NULL;
    }
    if (chr->driver != &chardev_ringbuf_driver) {
        error_setg(errp, "%s is not a ringbuf device", device);
        return NULL;
    }
    return chr;
}

void qmp_ringbuf_write(const char *device, const char *data,
                       bool has_format, DataFormat format, GError **errp)
{
    Chardev *chr = ringbuf_find(device, errp);
    g_autofree guchar *bytes = NULL;
    gsize len = strlen(data);

    if (!chr) {
        return;
    }
    if (has_format && format == DATA_FORMAT_BASE64) {
        /* g_base64_decode skips junk silently: check the alphabet first. */
        for (const char *p = data; *p; p++) {
            if (!g_ascii_isalnum(*p) && !strchr("+/=\n\r", *p)) {
                error_setg(errp, "Invalid Base64 data");
                return;
            }
        }
        bytes = g_base64_decode(data, &len);
        qemu_chr_ringbuf_write(chr, bytes, len, errp);
        return;
    }
    qemu_chr_ringbuf_write(chr, (const uint8_t *)data, len, errp);
}

char *qmp_ringbuf_read(const char *device, int64_t size, bool has_format,
                       DataFormat format, GError **errp)
{
    Chardev *chr;
    g_autofree uint8_t *data = NULL;
    size_t len;

    if (size <= 0) {
        error_setg(errp, "size must be greater than zero");
        return NULL;
    }
    chr = ringbuf_find(device, errp);
    if (!chr) {
        return NULL;
    }
    data = qemu_chr_ringbuf_read(chr, MIN((uint64_t)size, SIZE_MAX - 1),
                                 &len, errp);
    if (!data) {
        return NULL;
    }
    if (has_format && format == DATA_FORMAT_BASE64) {
        return g_base64_encode(data, len);
    }
    /* JSON strings are UTF-8: invalid sequences become U+FFFD. */
    return g_utf8_make_valid((const char *)data, len);
}
