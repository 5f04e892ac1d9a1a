/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test harness for TLS migration channels: both ends of a socketpair
 * wrapped by migration/tls.c, each handshake in its own thread, every wait
 * bounded by a deadline so that a hang fails the test instead of the
 * suite. Shared by test-migration-tls and test-migration-tls-channel.
 */
#ifndef TESTS_UNIT_TLS_CHANNEL_HARNESS_H
#define TESTS_UNIT_TLS_CHANNEL_HARNESS_H

#include <glib.h>
#include "migration/channel.h"
#include "migration/tls.h"

/* Nothing here legitimately takes long. */
#define TLS_TEST_DEADLINE_S 60

/* "dir" properties given to tls_obj_create() are relative to this. */
extern const char *tls_obj_dir_root;

/*
 * Create a user-creatable object from name/value string pairs ending
 * with NULL; asserts success.
 */
void G_GNUC_NULL_TERMINATED tls_obj_create(const char *type, const char *id,
                                           ...);
void tls_obj_del(const char *id);

typedef struct TlsPair TlsPair;

typedef struct TlsSide {
    MigChannel *raw;
    bool server;
    MigTLSSettings settings;
    bool use_params;            /* go through the tls-* parameters */
    const char *uri_host;       /* client with use_params */
    MigChannel *tls;            /* result ... */
    GError *err;                /* ... or why not */
    TlsPair *pair;
} TlsSide;

struct TlsPair {
    TlsSide client, server;
    GMutex lock;
    GCond cond;
    int done;
};

/* A socketpair with a raw channel per side ("test-client-raw", ...). */
void tls_pair_init(TlsPair *p);
/* Handshake both sides in threads; assert they finish in time. Logs each
 * side's error as a test message. */
void tls_pair_connect(TlsPair *p);
/* tls_pair_init + explicit settings + tls_pair_connect. */
void tls_pair_run(TlsPair *p, const char *client_creds, const char *hostname,
                  const char *server_creds, const char *authz);
void tls_pair_free(TlsPair *p);
/* The thread body of one side (for tests that drive a side alone). */
gpointer tls_side_run(gpointer opaque);

void tls_assert_side_ok(TlsSide *s);
/* The side failed and its message starts with prefix. */
void tls_assert_err_prefix(TlsSide *s, const char *prefix);
/* A short message each way gets through. */
void tls_assert_talks(TlsPair *p);
/* If the client's own handshake succeeded, its first read fails. */
void tls_assert_client_refused(TlsPair *p);

/*
 * A watchdog over up to two channels: if tls_watch_end() is not called
 * within the deadline, it shuts them down so that blocked threads return
 * (and tls_watch_end() then fails the test).
 */
typedef struct TlsWatch {
    MigChannel *chans[4];
    GMutex lock;
    GCond cond;
    bool finished;
} TlsWatch;

GThread *tls_watch_start(TlsWatch *w, MigChannel *a, MigChannel *b);
void tls_watch_end(TlsWatch *w, GThread *t);

#endif /* TESTS_UNIT_TLS_CHANNEL_HARNESS_H */
