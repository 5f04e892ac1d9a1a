/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fault-injecting TCP proxy for migration tests: it listens on a
 * loopback port, forwards each accepted connection to a target (TCP port
 * or unix socket), and on the test's command breaks the connection in a
 * chosen way.  Connections are served one at a time, in order, so a
 * recovery connection after a fault goes through the proxy too.
 *
 * "To target" is the client -> target direction (the migration stream
 * when the source connects through the proxy); "to client" is the other
 * (the return path).  Byte counts are of bytes delivered in a direction
 * on the current connection.
 *
 * Threads: one acceptor and two forwarders per connection, all owned by
 * the proxy; every function may be called from any test thread.  Waits
 * are bounded by the caller's timeout; forwarders re-check commands at
 * least every 10 ms.
 */
#ifndef TESTS_MIGRATION_FAULT_PROXY_H
#define TESTS_MIGRATION_FAULT_PROXY_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

typedef struct FaultProxy FaultProxy;

typedef enum FaultProxyDir {
    FAULT_PROXY_TO_TARGET,
    FAULT_PROXY_TO_CLIENT,
} FaultProxyDir;

/* Listen on 127.0.0.1 (ephemeral port); forward to 127.0.0.1:port. */
FaultProxy *fault_proxy_new_tcp(int target_port, GError **errp);
/* Listen on 127.0.0.1; forward to the unix socket at path. */
FaultProxy *fault_proxy_new_unix(const char *target_path, GError **errp);
/* Stop the threads and close every socket (with RST). */
void fault_proxy_free(FaultProxy *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FaultProxy, fault_proxy_free)

/* The port to connect to ("tcp:127.0.0.1:<port>"). */
int fault_proxy_port(FaultProxy *p);

/* Bytes delivered in dir on the current connection. */
uint64_t fault_proxy_bytes(FaultProxy *p, FaultProxyDir dir);
/* Wait until at least n bytes were delivered in dir; false on timeout. */
bool fault_proxy_wait_bytes(FaultProxy *p, FaultProxyDir dir, uint64_t n,
                            gint64 timeout_us);
/* Connections accepted so far. */
unsigned fault_proxy_connections(FaultProxy *p);
/* Wait until `n` connections were accepted; false on timeout. */
bool fault_proxy_wait_connections(FaultProxy *p, unsigned n,
                                  gint64 timeout_us);

/* Reset both sides of the current connection (RST); the next is served. */
void fault_proxy_drop(FaultProxy *p);
/* Stop forwarding both ways; both sockets stay open and silent. */
void fault_proxy_blackhole(FaultProxy *p);
/* End dir: its receiver reads EOF; the other direction goes on. */
void fault_proxy_half_close(FaultProxy *p, FaultProxyDir dir);
/*
 * XOR byte number `offset` (0-based, counted on the current connection)
 * of dir with mask (non-zero) as it passes.  One pending corruption per
 * direction; a new call replaces it.
 */
void fault_proxy_corrupt(FaultProxy *p, FaultProxyDir dir, uint64_t offset,
                         uint8_t mask);
/*
 * The same for the byte `ahead` bytes past the last one the proxy has
 * read (not the last one it forwarded: a chunk being written is already
 * past the check, and an offset inside it would never be flipped).
 * Returns the offset chosen.
 */
uint64_t fault_proxy_corrupt_ahead(FaultProxy *p, FaultProxyDir dir,
                                   uint64_t ahead, uint8_t mask);
/*
 * True once the last fault_proxy_corrupt() of dir took effect: the byte
 * was flipped and handed to the receiver in full (its value before the
 * flip in *was, if given).  A test that promises a flip is detected
 * checks this first, so that a flip that never happened is not mistaken
 * for one that went unnoticed.
 */
bool fault_proxy_corrupted(FaultProxy *p, FaultProxyDir dir, uint8_t *was);

/*
 * Leave new connections unanswered: the proxy stops accepting and fills
 * its listen queue, so the kernel drops a client's SYNs and its
 * connect(2) stays pending (a peer that does not answer).  Call while no
 * connection is being served; false on timeout.
 */
bool fault_proxy_hold_connects(FaultProxy *p, gint64 timeout_us);
/* Answer again: the pending client connects at its next SYN retry. */
void fault_proxy_release_connects(FaultProxy *p);
/* Wait until a client's connect(2) to the proxy is pending (SYN sent and
 * not answered; read from /proc/net/tcp); false on timeout. */
bool fault_proxy_wait_pending_connect(FaultProxy *p, gint64 timeout_us);
/* Stop listening: pending and later connects are refused (RST). */
void fault_proxy_refuse(FaultProxy *p);
/*
 * While on, nothing is forwarded in dir: its bytes wait in the kernel's
 * buffers (not lost) until it is turned off.  Kept across connections.
 */
void fault_proxy_hold(FaultProxy *p, FaultProxyDir dir, bool on);

#endif /* TESTS_MIGRATION_FAULT_PROXY_H */
