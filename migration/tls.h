/*
 * TLS on migration channels (wire-format spec section 8).
 *
 * A TLS channel wraps a connected raw MigChannel (socket, pipe) and offers
 * the same blocking MigChannel operations: reads and writes go through
 * gnutls_record_recv/send, which in turn read and write the raw channel.
 * The source is always the TLS client, the destination the server. Every
 * connection is wrapped on its own (main with its return path, each
 * multifd channel, postcopy preempt, recovery): call a constructor once
 * per connection.
 *
 * Threads: the constructors perform the whole handshake and the peer
 * checks before returning, blocking the calling thread. Call them from a
 * migration thread, never from the main loop. They take the BQL briefly
 * (unless the caller already holds it) to look up the credentials and
 * authorization objects and to ask the authz object, so the caller must
 * not hold a lock that a BQL holder may wait for. A handshake is
 * cancelled by mig_channel_shutdown() on the raw channel from another
 * thread. Afterwards one thread may read while another writes (the main
 * channel and its return path); mig_channel_shutdown() on the TLS channel
 * wakes both.
 */
#ifndef MIGRATION_TLS_H
#define MIGRATION_TLS_H

#include <glib.h>
#include "migration/channel.h"

/* What a TLS endpoint needs besides the raw connection. */
typedef struct MigTLSSettings {
    /* Id of a tls-creds-psk / -x509 / -anon object (required). */
    const char *creds_id;
    /*
     * Client, x509: the name the server certificate must match (a DNS
     * name or an IP address). NULL or "" fails the check with
     * "No hostname for certificate validation" unless the credentials
     * have verify-peer off.
     */
    const char *hostname;
    /* Server: id of an authz object asked about the peer's identity
     * (x509 distinguished name or PSK user name); NULL or "" = none. */
    const char *authz_id;
} MigTLSSettings;

/*
 * Wrap raw (which must be connected) as a TLS endpoint and run the
 * handshake and the checks. The new channel holds its own reference to
 * raw; the caller keeps (and eventually drops) its own. Returns the TLS
 * channel with one reference, or NULL with errp set, for example:
 *   "No TLS credentials with id '<id>'",
 *   "Expected TLS credentials for a client endpoint",
 *   "TLS handshake failed: <reason>",
 *   "The certificate hasn't got a known issuer" (and the other verdicts
 *   of the certificate check),
 *   "Certificate does not match the hostname <name>",
 *   "No hostname for certificate validation",
 *   "No certificate peers",
 *   "TLS x509 authz check for <DN> is denied: <authz reason>",
 *   "TLS PSK authz check for <user> is denied: <authz reason>".
 * When a check fails after the handshake, the peer is sent a fatal alert
 * so that its next read fails too.
 */
MigChannel *migration_tls_channel_new(MigChannel *raw, bool server,
                                      const MigTLSSettings *settings,
                                      GError **errp);

/*
 * The migration's source side: credentials from the tls-creds parameter,
 * the host name from tls-hostname if set, else uri_host (the host part of
 * an inet address; NULL for unix, fd, exec, vsock).
 */
MigChannel *migration_tls_channel_new_client(MigChannel *raw,
                                             const char *uri_host,
                                             GError **errp);
/* The destination side: tls-creds and tls-authz parameters. */
MigChannel *migration_tls_channel_new_server(MigChannel *raw, GError **errp);

/* Is ch a TLS channel made by this module? */
bool migration_tls_channel_is_tls(MigChannel *ch);

/*
 * The peer's identity established by the handshake: the x509 subject DN
 * of its certificate (RFC 4514, e.g. "CN=ACME QEMU Client"), the PSK user
 * name (server side), or NULL (anonymous, or not verified).
 */
const char *migration_tls_channel_peer_name(MigChannel *ch);

/*
 * Clean end of the sending direction: send a TLS close_notify (the
 * reader's next read returns 0, end of stream). Writes fail afterwards;
 * reading goes on. False with errp set if it could not be sent.
 */
bool migration_tls_channel_bye(MigChannel *ch, GError **errp);

/*
 * What a read does when the connection ends without close_notify: by
 * default it is an error ("Cannot read from TLS channel: The TLS
 * connection was non-properly terminated."), because a cut stream must
 * never look complete. relaxed = true makes it a plain end of stream,
 * for multifd channels when multifd-clean-tls-termination is off (peers
 * emulating machine types <= 9.2 close without close_notify).
 */
void migration_tls_channel_set_relaxed_eof(MigChannel *ch, bool relaxed);

/*
 * Encrypt and send on a thread of the channel's own from now on, so that
 * the writer's other work overlaps the encryption: writev copies the
 * bytes into a queue of whole-record buffers (migration/write-behind.h)
 * and returns; mig_channel_flush() waits until they are sent and reports
 * a failed send (so does the next writev). For the source's main channel,
 * whose migration thread scans RAM; multifd channels encrypt on their own
 * sender threads already. Once, before the first write; the thread ends
 * when the channel is closed. Main loop or the writing thread.
 */
void migration_tls_channel_start_writer(MigChannel *ch);

/*
 * Write the ciphertext to the raw channel on a thread of the channel's
 * own (named thread_name) from now on, so that the encrypting thread
 * (the writer thread, or the caller of writev) does not also pay for the
 * socket send: GnuTLS's records are appended to a bounded queue of
 * nbufs buffers of buf_size bytes (0, 0: the write-behind defaults, 2 MiB
 * in all), and the encrypting thread waits only while it is full. Each
 * writev hands its records over before it returns; mig_channel_flush()
 * (and migration_tls_channel_bye()) waits until they are on the raw
 * channel. A failed raw write fails the next writev or flush with the
 * raw channel's message ("Cannot write to TLS channel: <reason>"); a
 * shutdown wakes both threads. Once, before the first write, after the
 * handshake, and after migration_tls_channel_start_writer() if there is a
 * writer thread (a failed raw write fails the writer's queue at once);
 * the thread ends when the channel is closed.
 */
void migration_tls_channel_start_sender(MigChannel *ch,
                                        const char *thread_name,
                                        unsigned nbufs, size_t buf_size);

#endif /* MIGRATION_TLS_H */
