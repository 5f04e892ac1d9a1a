/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running both ends of a TLS migration channel in tests (see
 * tls-channel-harness.h).
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "tls-channel-harness.h"

const char *tls_obj_dir_root;

/*
 * Create a user-creatable object from name/value string pairs; "dir"
 * values are relative to the PKI root.
 */
void tls_obj_create(const char *type, const char *id, ...)
{
    JsonObject *props = json_object_new();
    GError *err = NULL;
    const char *name;
    va_list ap;

    va_start(ap, id);
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);

        if (!strcmp(name, "dir")) {
            g_autofree char *path = g_build_filename(tls_obj_dir_root, value,
                                                     NULL);

            json_object_set_string_member(props, name, path);
        } else {
            json_object_set_string_member(props, name, value);
        }
    }
    va_end(ap);
    g_assert_nonnull(user_creatable_add_type(type, id, props, true, &err));
    g_assert_no_error(err);
    json_object_unref(props);
}

void tls_obj_del(const char *id)
{
    GError *err = NULL;

    g_assert_true(user_creatable_del(id, &err));
    g_assert_no_error(err);
}


gpointer tls_side_run(gpointer opaque)
{
    TlsSide *s = opaque;

    if (s->use_params) {
        s->tls = s->server
            ? migration_tls_channel_new_server(s->raw, &s->err)
            : migration_tls_channel_new_client(s->raw, s->uri_host, &s->err);
    } else {
        s->tls = migration_tls_channel_new(s->raw, s->server, &s->settings,
                                           &s->err);
    }
    g_assert_true((s->tls == NULL) == (s->err != NULL));
    if (!s->tls) {
        /* As the migration code does: a failed side drops the connection,
         * so the peer is never left waiting. */
        mig_channel_shutdown(s->raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    }
    g_mutex_lock(&s->pair->lock);
    s->pair->done++;
    g_cond_signal(&s->pair->cond);
    g_mutex_unlock(&s->pair->lock);
    return NULL;
}

void tls_pair_init(TlsPair *p)
{
    int sv[2];

    memset(p, 0, sizeof(*p));
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    p->client.raw = mig_channel_new_fd(sv[0], "test-client-raw");
    p->server.raw = mig_channel_new_fd(sv[1], "test-server-raw");
    p->client.pair = p->server.pair = p;
    p->server.server = true;
}

/* Handshake both sides, each in its thread; fail after the deadline. */
void tls_pair_connect(TlsPair *p)
{
    gint64 deadline = g_get_monotonic_time() +
                      TLS_TEST_DEADLINE_S * G_TIME_SPAN_SECOND;
    GThread *tc = g_thread_new("tls-client", tls_side_run, &p->client);
    GThread *ts = g_thread_new("tls-server", tls_side_run, &p->server);
    bool timed_out = false;

    g_mutex_lock(&p->lock);
    while (p->done < 2 && !timed_out) {
        timed_out = !g_cond_wait_until(&p->cond, &p->lock, deadline);
    }
    g_mutex_unlock(&p->lock);
    if (timed_out) {
        mig_channel_shutdown(p->client.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
        mig_channel_shutdown(p->server.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    }
    g_thread_join(tc);
    g_thread_join(ts);
    g_assert_false(timed_out);
    /* In the log: what each refusal said. */
    if (p->client.err) {
        g_test_message("client: %s", p->client.err->message);
    }
    if (p->server.err) {
        g_test_message("server: %s", p->server.err->message);
    }
}

void tls_pair_free(TlsPair *p)
{
    TlsSide *sides[] = { &p->client, &p->server };

    for (int i = 0; i < 2; i++) {
        if (sides[i]->tls) {
            mig_channel_unref(sides[i]->tls);
        }
        mig_channel_unref(sides[i]->raw);
        g_clear_error(&sides[i]->err);
    }
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
}

void tls_assert_side_ok(TlsSide *s)
{
    if (s->err) {
        g_error("%s failed: %s", s->server ? "server" : "client",
                s->err->message);
    }
    g_assert_nonnull(s->tls);
    g_assert_true(migration_tls_channel_is_tls(s->tls));
}

void tls_assert_err_prefix(TlsSide *s, const char *prefix)
{
    if (!s->err) {
        g_error("%s succeeded; expected '%s...'",
                s->server ? "server" : "client", prefix);
    }
    if (!g_str_has_prefix(s->err->message, prefix)) {
        g_error("%s: '%s' does not start with '%s'",
                s->server ? "server" : "client", s->err->message, prefix);
    }
}

/* A short message each way proves the session carries data. */
void tls_assert_talks(TlsPair *p)
{
    char buf[16] = "";
    GError *err = NULL;

    g_assert_true(mig_channel_write_all(p->client.tls, "ping", 4, &err));
    g_assert_true(mig_channel_read_all(p->server.tls, buf, 4, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 4, "ping", 4);
    g_assert_true(mig_channel_write_all(p->server.tls, "pong", 4, &err));
    g_assert_true(mig_channel_read_all(p->client.tls, buf, 4, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 4, "pong", 4);
}

/*
 * The client of a refused handshake may have finished its own part (TLS
 * 1.3 lets it): then the server's fatal alert or the cut connection must
 * fail its first read.
 */
void tls_assert_client_refused(TlsPair *p)
{
    char c;
    GError *err = NULL;

    if (p->client.tls) {
        g_assert_false(mig_channel_read_all(p->client.tls, &c, 1, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
}

/* One handshake with explicit settings on both sides. */
void tls_pair_run(TlsPair *p, const char *client_creds, const char *hostname,
                     const char *server_creds, const char *authz)
{
    tls_pair_init(p);
    p->client.settings = (MigTLSSettings) {
        .creds_id = client_creds, .hostname = hostname };
    p->server.settings = (MigTLSSettings) {
        .creds_id = server_creds, .authz_id = authz };
    tls_pair_connect(p);
}

static gpointer tls_watchdog(gpointer opaque)
{
    TlsWatch *w = opaque;
    gint64 deadline = g_get_monotonic_time() +
                      TLS_TEST_DEADLINE_S * G_TIME_SPAN_SECOND;
    bool fired = false;

    g_mutex_lock(&w->lock);
    while (!w->finished && !fired) {
        fired = !g_cond_wait_until(&w->cond, &w->lock, deadline);
    }
    g_mutex_unlock(&w->lock);
    if (fired) {
        for (int i = 0; i < 4 && w->chans[i]; i++) {
            mig_channel_shutdown(w->chans[i], MIG_CHANNEL_SHUTDOWN_BOTH);
        }
    }
    return GINT_TO_POINTER(fired);
}

GThread *tls_watch_start(TlsWatch *w, MigChannel *a, MigChannel *b)
{
    memset(w, 0, sizeof(*w));
    w->chans[0] = a;
    w->chans[1] = b;
    g_mutex_init(&w->lock);
    g_cond_init(&w->cond);
    return g_thread_new("tls_watchdog", tls_watchdog, w);
}

void tls_watch_end(TlsWatch *w, GThread *t)
{
    g_mutex_lock(&w->lock);
    w->finished = true;
    g_cond_signal(&w->cond);
    g_mutex_unlock(&w->lock);
    g_assert_null(g_thread_join(t));
    g_mutex_clear(&w->lock);
    g_cond_clear(&w->cond);
}
