/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The legacy chardev shorthand of -serial, -qmp, -monitor and -qtest
 * ("file:PATH", "unix:PATH,server=on", "tcp:HOST:PORT", "mon:stdio", ...)
 * translated into "-chardev" options.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qemu/cutils.h"
#include "qemu/sockets.h"
#include "qapi/error.h"

bool qemu_chr_spec_is_mon(const char *spec)
{
    return strstart(spec, "mon:", NULL);
}

/* "HOST:PORT[,opts]" of the tcp/telnet/websocket forms. */
static bool compat_parse_inet(QemuOpts *opts, const char *rest,
                              GError **errp)
{
    const char *comma = strchr(rest, ',');
    g_autofree char *hp = comma ? g_strndup(rest, comma - rest)
                                : g_strdup(rest);
    g_autofree char *host = NULL;
    g_autofree char *port = NULL;

    if (!inet_parse_host_port(hp, &host, &port, errp) ||
        !qemu_opt_set(opts, "backend", "socket", errp) ||
        !qemu_opt_set(opts, "host", host, errp) ||
        !qemu_opt_set(opts, "port", port, errp)) {
        return false;
    }
    return !comma || qemu_opts_do_parse(opts, comma + 1, NULL, errp);
}

/* Fill opts from spec; false with errp set if spec is not shorthand. */
static bool compat_fill(QemuOpts *opts, const char *spec, GError **errp)
{
    static const char *const plain[] = { "null", "stdio", "pty" };
    static const struct {
        const char *prefix;
        const char *flag;       /* extra boolean set to on, or NULL */
    } inet_forms[] = {
        { "tcp:", NULL },
        { "telnet:", "telnet" },
        { "websocket:", "websocket" },
    };
    const char *rest;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(plain); i++) {
        if (strcmp(spec, plain[i]) == 0) {
            return qemu_opt_set(opts, "backend", plain[i], errp);
        }
    }
    if (strstart(spec, "file:", &rest)) {
        return qemu_opt_set(opts, "backend", "file", errp) &&
               qemu_opt_set(opts, "path", rest, errp);
    }
    if (strstart(spec, "pipe:", &rest)) {
        return qemu_opt_set(opts, "backend", "pipe", errp) &&
               qemu_opt_set(opts, "path", rest, errp);
    }
    if (strstart(spec, "unix:", &rest)) {
        /* The path is the implied first element, so ",," escapes work. */
        return qemu_opt_set(opts, "backend", "socket", errp) &&
               qemu_opts_do_parse(opts, rest, "path", errp);
    }
    for (i = 0; i < ARRAY_SIZE(inet_forms); i++) {
        if (strstart(spec, inet_forms[i].prefix, &rest)) {
            return compat_parse_inet(opts, rest, errp) &&
                   (!inet_forms[i].flag ||
                    qemu_opt_set(opts, inet_forms[i].flag, "on", errp));
        }
    }
    if (strstart(spec, "/dev/", NULL)) {
        return qemu_opt_set(opts, "backend", "serial", errp) &&
               qemu_opt_set(opts, "path", spec, errp);
    }
    error_setg(errp, "'%s' is not a valid char driver", spec);
    return false;
}

QemuOpts *qemu_chr_parse_compat(const char *label, const char *spec,
                                GError **errp)
{
    QemuOpts *opts;
    const char *inner = spec;
    bool mux = strstart(spec, "mon:", &inner);

    opts = qemu_opts_create(&qemu_chardev_opts, label, true, errp);
    if (!opts) {
        return NULL;
    }
    if (!compat_fill(opts, inner, errp) ||
        (mux && !qemu_opt_set(opts, "mux", "on", errp))) {
        qemu_opts_del(opts);
        return NULL;
    }
    /* A monitor shares the terminal: Ctrl-C is the guest's, C-a x quits. */
    if (mux && !strcmp(inner, "stdio") &&
        !qemu_opt_set(opts, "signal", "off", errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    return opts;
}

Chardev *qemu_chr_new(const char *label, const char *spec, GError **errp)
{
    const char *id;
    QemuOpts *opts;
    Chardev *chr;

    if (strstart(spec, "chardev:", &id)) {
        chr = qemu_chr_find(id);
        if (!chr) {
            error_setg(errp, "chardev '%s' not found", id);
        }
        return chr;
    }
    opts = qemu_chr_parse_compat(label, spec, errp);
    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    /* The registry now knows the chardev; the options are not needed. */
    qemu_opts_del(opts);
    return chr;
}
