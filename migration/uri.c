/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration URIs and the `channels` argument -> MigrationAddress
 * (spec/migration-states-and-qmp.md 7.1 steps 1-3, 8.1, 8.2).
 *
 * One table maps each URI prefix to the parser of what follows it; the
 * error texts are QEMU's, because management software matches them.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "migration/transport.h"

/* QEMU scans the host and port with fixed-width fields; longer text
 * does not parse. */
#define INET_HOST_MAX 64
#define INET_PORT_MAX 32

/* ---- inet: HOST:PORT[,opt[=value]]... ---------------------------------- */

static bool inet_parse_bool_opt(const char *name, const char *val,
                                bool *has, bool *out, GError **errp)
{
    if (!parse_option_bool(name, val ? val : "on", out, errp)) {
        return false;
    }
    *has = true;
    return true;
}

static bool inet_parse_u32_opt(const char *name, const char *val,
                               bool *has, uint32_t *out, GError **errp)
{
    uint64_t v;

    if (!val) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    if (!parse_option_number(name, val, &v, errp)) {
        return false;
    }
    if (v > UINT32_MAX) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   val, name);
        return false;
    }
    *out = v;
    *has = true;
    return true;
}

static bool inet_parse_option(InetSocketAddress *a, const char *opt,
                              GError **errp)
{
    g_autofree char *name = g_strdup(opt);
    char *val = strchr(name, '=');
    uint64_t to;

    if (val) {
        *val++ = '\0';
    }
    if (!strcmp(name, "to")) {
        if (!val || !qemu_strtou64(val, NULL, 10, &to) || to > UINT16_MAX) {
            error_setg(errp, "error parsing to= argument");
            return false;
        }
        a->has_to = true;
        a->to = to;
        return true;
    }
    if (!strcmp(name, "numeric")) {
        return inet_parse_bool_opt(name, val, &a->has_numeric, &a->numeric,
                                   errp);
    }
    if (!strcmp(name, "ipv4")) {
        return inet_parse_bool_opt(name, val, &a->has_ipv4, &a->ipv4, errp);
    }
    if (!strcmp(name, "ipv6")) {
        return inet_parse_bool_opt(name, val, &a->has_ipv6, &a->ipv6, errp);
    }
    if (!strcmp(name, "keep-alive")) {
        return inet_parse_bool_opt(name, val, &a->has_keep_alive,
                                   &a->keep_alive, errp);
    }
    if (!strcmp(name, "mptcp")) {
        return inet_parse_bool_opt(name, val, &a->has_mptcp, &a->mptcp,
                                   errp);
    }
    if (!strcmp(name, "keep-alive-count")) {
        return inet_parse_u32_opt(name, val, &a->has_keep_alive_count,
                                  &a->keep_alive_count, errp);
    }
    if (!strcmp(name, "keep-alive-idle")) {
        return inet_parse_u32_opt(name, val, &a->has_keep_alive_idle,
                                  &a->keep_alive_idle, errp);
    }
    if (!strcmp(name, "keep-alive-interval")) {
        return inet_parse_u32_opt(name, val, &a->has_keep_alive_interval,
                                  &a->keep_alive_interval, errp);
    }
    error_setg(errp, "Invalid parameter '%s'", name);
    return false;
}

/* The length of the run at s of characters not in stop (and not NUL). */
static size_t span_until(const char *s, const char *stop)
{
    return strcspn(s, stop);
}

bool migration_inet_parse(const char *str, InetSocketAddress *a,
                          GError **errp)
{
    const char *p = str;
    size_t hlen, plen;
    const char *host;

    if (str[0] == ':') {
        host = "";
        hlen = 0;
        p = str + 1;
        plen = span_until(p, ",");
        if (plen == 0 || plen > INET_PORT_MAX) {
            error_setg(errp, "error parsing port in address '%s'", str);
            return false;
        }
    } else if (str[0] == '[') {
        host = str + 1;
        hlen = span_until(host, "]");
        if (hlen == 0 || hlen > INET_HOST_MAX || host[hlen] != ']' ||
            host[hlen + 1] != ':') {
            error_setg(errp, "error parsing IPv6 address '%s'", str);
            return false;
        }
        p = host + hlen + 2;
        plen = span_until(p, ",");
        if (plen == 0 || plen > INET_PORT_MAX) {
            error_setg(errp, "error parsing IPv6 address '%s'", str);
            return false;
        }
    } else {
        host = str;
        hlen = span_until(host, ":");
        if (hlen == 0 || hlen > INET_HOST_MAX || host[hlen] != ':') {
            error_setg(errp, "error parsing address '%s'", str);
            return false;
        }
        p = host + hlen + 1;
        plen = span_until(p, ",");
        if (plen == 0 || plen > INET_PORT_MAX) {
            error_setg(errp, "error parsing address '%s'", str);
            return false;
        }
    }
    a->host = g_strndup(host, hlen);
    a->port = g_strndup(p, plen);
    p += plen;

    /* Options: ",name[=value]" repeated. */
    if (*p == ',') {
        g_auto(GStrv) opts = g_strsplit(p + 1, ",", -1);

        for (char **o = opts; *o; o++) {
            if (!inet_parse_option(a, *o, errp)) {
                return false;
            }
        }
    }
    return true;
}

/* ---- one parser per URI prefix ----------------------------------------- */

static bool parse_tcp(const char *rest, MigrationAddress *addr,
                      GError **errp)
{
    addr->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
    addr->u.socket.type = SOCKET_ADDRESS_TYPE_INET;
    return migration_inet_parse(rest, &addr->u.socket.u.inet, errp);
}

static bool parse_unix(const char *rest, MigrationAddress *addr,
                       GError **errp)
{
    if (!*rest) {
        error_setg(errp, "invalid Unix socket address");
        return false;
    }
    addr->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
    addr->u.socket.type = SOCKET_ADDRESS_TYPE_UNIX;
    addr->u.socket.u.q_unix.path = g_strdup(rest);
    return true;
}

static bool parse_vsock(const char *rest, MigrationAddress *addr,
                        GError **errp)
{
    size_t clen = strspn(rest, "0123456789");
    const char *port = rest + clen + 1;
    size_t plen;

    if (clen == 0 || clen > 32 || rest[clen] != ':') {
        error_setg(errp, "error parsing address '%s'", rest);
        return false;
    }
    plen = strspn(port, "0123456789");
    if (plen == 0 || plen > 32) {
        error_setg(errp, "error parsing address '%s'", rest);
        return false;
    }
    if (port[plen] != '\0') {
        error_setg(errp, "trailing characters in address '%s'", rest);
        return false;
    }
    addr->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
    addr->u.socket.type = SOCKET_ADDRESS_TYPE_VSOCK;
    addr->u.socket.u.vsock.cid = g_strndup(rest, clen);
    addr->u.socket.u.vsock.port = g_strndup(port, plen);
    return true;
}

static bool parse_fd(const char *rest, MigrationAddress *addr,
                     GError **errp)
{
    if (!*rest) {
        error_setg(errp, "invalid file descriptor address");
        return false;
    }
    addr->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
    addr->u.socket.type = SOCKET_ADDRESS_TYPE_FD;
    addr->u.socket.u.fd.str = g_strdup(rest);
    return true;
}

static bool parse_exec(const char *rest, MigrationAddress *addr,
                       GError **errp)
{
    static const char *const shell[] = { "/bin/sh", "-c" };
    strList **tail = &addr->u.exec.args;

    addr->transport = MIGRATION_ADDRESS_TYPE_EXEC;
    for (size_t i = 0; i <= G_N_ELEMENTS(shell); i++) {
        strList *el = g_new0(strList, 1);

        el->value = g_strdup(i < G_N_ELEMENTS(shell) ? shell[i] : rest);
        *tail = el;
        tail = &el->next;
    }
    return true;
}

static bool parse_rdma(const char *rest, MigrationAddress *addr,
                       GError **errp)
{
    addr->transport = MIGRATION_ADDRESS_TYPE_RDMA;
    return migration_inet_parse(rest, &addr->u.rdma, errp);
}

static bool parse_file(const char *rest, MigrationAddress *addr,
                       GError **errp)
{
    /* Everything after the first ",offset=" is the offset. */
    const char *opt = strstr(rest, ",offset=");
    uint64_t offset = 0;

    if (opt) {
        const char *text = opt + strlen(",offset=");
        int ret = qemu_strtosz_unit(text, NULL, 1, &offset);

        if (ret < 0) {
            error_setg(errp, "file URI has bad offset %s: %s", text,
                       g_strerror(-ret));
            return false;
        }
    }
    addr->transport = MIGRATION_ADDRESS_TYPE_FILE;
    addr->u.file.filename = opt ? g_strndup(rest, opt - rest)
                                : g_strdup(rest);
    addr->u.file.offset = offset;
    return true;
}

static const struct {
    const char *prefix;
    bool (*parse)(const char *rest, MigrationAddress *addr, GError **errp);
} uri_schemes[] = {
    { "tcp:", parse_tcp },
    { "unix:", parse_unix },
    { "vsock:", parse_vsock },
    { "fd:", parse_fd },
    { "exec:", parse_exec },
    { "rdma:", parse_rdma },
    { "file:", parse_file },
};

MigrationAddress *migration_uri_parse(const char *uri, GError **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(uri_schemes); i++) {
        const char *rest;

        if (strstart(uri, uri_schemes[i].prefix, &rest)) {
            g_autoptr(MigrationAddress) addr = g_new0(MigrationAddress, 1);

            if (!uri_schemes[i].parse(rest, addr, errp)) {
                return NULL;
            }
            return g_steal_pointer(&addr);
        }
    }
    error_setg(errp, "unknown migration protocol: %s", uri);
    return NULL;
}

/* ---- the `channels` argument ------------------------------------------- */

MigrationAddress *migration_address_copy(const MigrationAddress *addr)
{
    g_autoptr(JsonNode) node = qapi_MigrationAddress_to_json(addr);
    g_autoptr(GError) err = NULL;
    MigrationAddress *copy = qapi_MigrationAddress_from_json(node, NULL,
                                                             &err);

    /* Our own output always parses back. */
    g_assert_no_error(err);
    return copy;
}

static bool uri_xor_channels(const char *uri, MigrationChannelList *channels,
                             GError **errp)
{
    if (!uri == !channels) {
        error_setg(errp, "need either 'uri' or 'channels' argument");
        return false;
    }
    return true;
}

MigrationAddress *migration_channels_parse(const char *uri,
                                           MigrationChannelList *channels,
                                           GError **errp)
{
    MigrationChannel *by_type[MIGRATION_CHANNEL_TYPE__MAX] = { NULL };

    if (!uri_xor_channels(uri, channels, errp)) {
        return NULL;
    }
    if (uri) {
        return migration_uri_parse(uri, errp);
    }
    /* Duplicates anywhere in the list win over a missing main entry. */
    for (MigrationChannelList *c = channels; c; c = c->next) {
        MigrationChannelType type = c->value->channel_type;

        if (by_type[type]) {
            error_setg(errp, "Channel list has more than one %s entry",
                       MigrationChannelType_str(type));
            return NULL;
        }
        by_type[type] = c->value;
    }
    if (!by_type[MIGRATION_CHANNEL_TYPE_MAIN]) {
        /* QEMU 10.2 crashes here (quirk Q4); this is its intended error. */
        error_setg(errp, "Channel list has no main entry");
        return NULL;
    }
    return migration_address_copy(by_type[MIGRATION_CHANNEL_TYPE_MAIN]->addr);
}

MigrationAddress *migration_channels_cpr(MigrationChannelList *channels)
{
    for (MigrationChannelList *c = channels; c; c = c->next) {
        if (c->value->channel_type == MIGRATION_CHANNEL_TYPE_CPR) {
            return migration_address_copy(c->value->addr);
        }
    }
    return NULL;
}

MigrationAddress *migration_incoming_channels_parse(
    const char *uri, MigrationChannelList *channels, GError **errp)
{
    if (!uri_xor_channels(uri, channels, errp)) {
        return NULL;
    }
    if (uri) {
        return migration_uri_parse(uri, errp);
    }
    if (channels->next) {
        error_setg(errp, "Channel list must have only one entry, "
                   "for type 'main'");
        return NULL;
    }
    /* The single entry is the main channel whatever its type says. */
    return migration_address_copy(channels->value->addr);
}
