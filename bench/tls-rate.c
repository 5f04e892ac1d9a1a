/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's TLS limit: how fast one core encrypts and decrypts TLS
 * records with GnuTLS, the ceiling of a TLS migration channel. A client
 * and a server session shake hands over a socket pair (TLS 1.3, the
 * default "NORMAL" priority the migration's credentials use, an x509
 * server certificate made here, so the cipher is the one x509 migration
 * negotiates: AES-256-GCM where the CPU has AES instructions),
 * then the client's records go to memory instead of the socket: the
 * encryption rate is the client's gnutls_record_send() of the payload, the
 * decryption rate the server's gnutls_record_recv() of what was captured.
 * Records are written in 256 KiB calls as migration/tls.c does.
 *
 *   tls-rate [--mib N] [--json]
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define CHUNK (256 * 1024)

/* Where the client's records go after the handshake, and where the
 * server reads them back from. */
typedef struct Capture {
    guint8 *buf;
    size_t cap, len, pos;
} Capture;

static ssize_t capture_push(gnutls_transport_ptr_t p, const void *data,
                            size_t n)
{
    Capture *c = p;

    if (c->len + n > c->cap) {
        errno = ENOSPC;
        return -1;
    }
    memcpy(c->buf + c->len, data, n);
    c->len += n;
    return n;
}

static ssize_t capture_pull(gnutls_transport_ptr_t p, void *data, size_t n)
{
    Capture *c = p;
    size_t left = c->len - c->pos;

    if (n > left) {
        n = left;
    }
    memcpy(data, c->buf + c->pos, n);
    c->pos += n;
    return n;
}

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "tls-rate: %s: %s\n", what, gnutls_strerror(rc));
        exit(1);
    }
}

/* A throw-away self-signed server certificate (the client does not
 * check it: only the record layer is measured). */
static void make_server_cert(gnutls_certificate_credentials_t cred)
{
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    time_t now = time(NULL);
    unsigned char serial[1] = { 1 };

    check(gnutls_x509_privkey_init(&key), "key init");
    check(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
              GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
          "key generate");
    check(gnutls_x509_crt_init(&crt), "crt init");
    check(gnutls_x509_crt_set_version(crt, 3), "crt version");
    check(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)), "serial");
    check(gnutls_x509_crt_set_activation_time(crt, now - 60), "activation");
    check(gnutls_x509_crt_set_expiration_time(crt, now + 3600), "expiry");
    check(gnutls_x509_crt_set_dn(crt, "CN=tls-rate", NULL), "dn");
    check(gnutls_x509_crt_set_key(crt, key), "crt key");
    check(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign");
    check(gnutls_certificate_set_x509_key(cred, &crt, 1, key), "cred key");
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
}

/* CPU time of this thread, µs: the rate per CPU-second is what other
 * load on the machine changes least. */
static gint64 thread_cpu_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gpointer server_handshake(gpointer opaque)
{
    gnutls_session_t s = opaque;
    int rc;

    do {
        rc = gnutls_handshake(s);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    return GINT_TO_POINTER(rc);
}

int main(int argc, char **argv)
{
    const char *prio = "NORMAL";
    gnutls_certificate_credentials_t ccred, scred;
    gnutls_session_t cli, srv;
    Capture cap = { 0 };
    guint8 *payload;
    size_t mib = 512, total;
    bool json = false;
    int sv[2], rc;
    GThread *t;
    gint64 t0, c0, enc_us, dec_us, enc_cpu, dec_cpu;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
            mib = strtoul(argv[++i], NULL, 0);
        } else {
            fprintf(stderr, "usage: tls-rate [--mib N] [--json]\n");
            return 2;
        }
    }
    if (mib < 16 || mib > 4096) {
        fprintf(stderr, "tls-rate: --mib must be 16..4096\n");
        return 2;
    }
    total = mib << 20;

    check(gnutls_global_init(), "init");
    check(gnutls_certificate_allocate_credentials(&ccred), "client creds");
    check(gnutls_certificate_allocate_credentials(&scred), "server creds");
    make_server_cert(scred);

    check(gnutls_init(&cli, GNUTLS_CLIENT), "client init");
    check(gnutls_init(&srv, GNUTLS_SERVER), "server init");
    check(gnutls_priority_set_direct(cli, prio, NULL), "client priority");
    check(gnutls_priority_set_direct(srv, prio, NULL), "server priority");
    check(gnutls_credentials_set(cli, GNUTLS_CRD_CERTIFICATE, ccred), "client cred");
    check(gnutls_credentials_set(srv, GNUTLS_CRD_CERTIFICATE, scred), "server cred");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        perror("socketpair");
        return 1;
    }
    gnutls_transport_set_int(cli, sv[0]);
    gnutls_transport_set_int(srv, sv[1]);
    t = g_thread_new("server", server_handshake, srv);
    do {
        rc = gnutls_handshake(cli);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    check(rc, "client handshake");
    check(GPOINTER_TO_INT(g_thread_join(t)), "server handshake");

    /* From now on records go to memory: nothing but the cipher counts. */
    cap.cap = total + total / 64 + (1 << 20);
    cap.buf = g_malloc(cap.cap);
    payload = g_malloc(CHUNK);
    for (size_t i = 0; i < CHUNK; i++) {
        payload[i] = (guint8)(i * 2654435761u >> 13);
    }
    /* Touch the capture buffer first so page faults do not count. */
    memset(cap.buf, 0, cap.cap);
    gnutls_transport_set_ptr(cli, &cap);
    gnutls_transport_set_push_function(cli, capture_push);
    gnutls_transport_set_ptr(srv, &cap);
    gnutls_transport_set_pull_function(srv, capture_pull);

    t0 = g_get_monotonic_time();
    c0 = thread_cpu_us();
    for (size_t done = 0; done < total; ) {
        ssize_t n = gnutls_record_send(cli, payload, CHUNK);

        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            continue;
        }
        check(n, "record_send");
        done += n;
    }
    enc_us = g_get_monotonic_time() - t0;
    enc_cpu = thread_cpu_us() - c0;

    t0 = g_get_monotonic_time();
    c0 = thread_cpu_us();
    for (size_t done = 0; done < total; ) {
        ssize_t n = gnutls_record_recv(srv, payload, CHUNK);

        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            continue;
        }
        check(n, "record_recv");
        if (n == 0) {
            fprintf(stderr, "tls-rate: early end of the captured records\n");
            return 1;
        }
        done += n;
    }
    dec_us = g_get_monotonic_time() - t0;
    dec_cpu = thread_cpu_us() - c0;

    {
        const char *cipher = gnutls_cipher_get_name(gnutls_cipher_get(cli));
        const char *proto = gnutls_protocol_get_name(
            gnutls_protocol_get_version(cli));
        double enc = total / (enc_us / 1e6) / 1e9;
        double dec = total / (dec_us / 1e6) / 1e9;
        double enc_c = total / (MAX(enc_cpu, 1) / 1e6) / 1e9;
        double dec_c = total / (MAX(dec_cpu, 1) / 1e6) / 1e9;

        if (json) {
            printf("{\"cipher\": \"%s\", \"protocol\": \"%s\", "
                   "\"bytes\": %zu, \"encrypt_gbps\": %.3f, "
                   "\"decrypt_gbps\": %.3f, \"encrypt_gbps_cpu\": %.3f, "
                   "\"decrypt_gbps_cpu\": %.3f, \"wire_overhead\": %.4f}\n",
                   cipher, proto, total, enc, dec, enc_c, dec_c,
                   (double)cap.len / total - 1);
        } else {
            printf("%s %s, one core, %zu MiB in 256 KiB writes: "
                   "encrypt %.2f GB/s, decrypt %.2f GB/s wall clock; "
                   "per CPU-second %.2f / %.2f GB/s "
                   "(record overhead %.2f %%)\n", proto, cipher, mib, enc,
                   dec, enc_c, dec_c, ((double)cap.len / total - 1) * 100);
        }
    }
    gnutls_deinit(cli);
    gnutls_deinit(srv);
    gnutls_certificate_free_credentials(ccred);
    gnutls_certificate_free_credentials(scred);
    close(sv[0]);
    close(sv[1]);
    g_free(cap.buf);
    g_free(payload);
    gnutls_global_deinit();
    return 0;
}
