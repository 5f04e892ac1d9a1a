/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's limits for multifd migration, the denominators of
 * bench/multifd-bench.py:
 *   tcpN   N plain stream copies over tcp loopback at once, one thread
 *          per sender and per receiver (large writes into pre-touched
 *          buffers), best of three: what N multifd channels could carry;
 *   zstd1  one thread compressing the pattern file's pages with zstd
 *          level 1 as a multifd channel does (one stream, 128 pages per
 *          flush): input bytes per second;
 *   zlib1  the same with zlib level 1.
 * GB are 10^9 bytes. Usage: multifd-limits [--size-mib N]
 *   [--streams 1,2,4] [--pattern FILE] [--json]
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <zlib.h>
#include <zstd.h>

#include "loopback.h"

#define CHUNK (4u << 20)        /* bytes per write()/read(), as mig-limits */
#define PAGE 4096u
#define PAGES_PER_PACKET 128u

static double now_s(void)
{
    return g_get_monotonic_time() / 1e6;
}

static G_NORETURN void die(const char *what)
{
    g_printerr("multifd-limits: %s: %s\n", what, g_strerror(errno));
    exit(1);
}

static uint8_t *touched(size_t len)
{
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        die("mmap");
    }
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(i * 2654435761u >> 13);
    }
    return p;
}

/* ---- N tcp streams ---- */

typedef struct Stream {
    int fd;
    uint8_t *buf;
    size_t len;
    bool sender;
} Stream;

static gpointer stream_thread(gpointer opaque)
{
    Stream *s = opaque;
    size_t done = 0;

    while (done < s->len) {
        size_t n = MIN(CHUNK, s->len - done);
        ssize_t r = s->sender ? write(s->fd, s->buf + done % (s->len), n)
                              : read(s->fd, s->buf + done % (s->len), n);

        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            die(s->sender ? "write" : "read");
        }
        done += r;
    }
    return NULL;
}

static void tcp_pair(int fds[2])
{
    int one = 1;

    if (!bench_tcp_pair(fds)) {
        die("tcp pair");
    }
    setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* GB/s of n streams carrying len bytes in total. */
static double bench_tcp_streams(unsigned n, size_t len)
{
    g_autofree Stream *st = g_new0(Stream, 2 * n);
    g_autofree GThread **th = g_new0(GThread *, 2 * n);
    size_t per = len / n / CHUNK * CHUNK;
    double t0;

    for (unsigned i = 0; i < n; i++) {
        int fds[2];

        tcp_pair(fds);
        st[2 * i] = (Stream){ fds[0], touched(per), per, true };
        st[2 * i + 1] = (Stream){ fds[1], touched(per), per, false };
    }
    t0 = now_s();
    for (unsigned i = 0; i < 2 * n; i++) {
        th[i] = g_thread_new("stream", stream_thread, &st[i]);
    }
    for (unsigned i = 0; i < 2 * n; i++) {
        g_thread_join(th[i]);
    }
    t0 = now_s() - t0;
    for (unsigned i = 0; i < 2 * n; i++) {
        close(st[i].fd);
        munmap(st[i].buf, per);
    }
    return per * n / t0 / 1e9;
}

/* ---- compression of the pattern ---- */

static double bench_zstd1(const uint8_t *data, size_t len)
{
    ZSTD_CStream *cs = ZSTD_createCStream();
    size_t cap = ZSTD_compressBound(PAGE * PAGES_PER_PACKET);
    g_autofree uint8_t *out = g_malloc(cap);
    double t0 = now_s();

    ZSTD_CCtx_setParameter(cs, ZSTD_c_compressionLevel, 1);
    for (size_t off = 0; off + PAGE <= len; off += PAGE) {
        bool last = (off / PAGE + 1) % PAGES_PER_PACKET == 0 ||
                    off + 2 * PAGE > len;
        ZSTD_inBuffer in = { data + off, PAGE, 0 };
        ZSTD_outBuffer o = { out, cap, 0 };
        size_t r;

        do {
            r = ZSTD_compressStream2(cs, &o, &in,
                                     last ? ZSTD_e_flush : ZSTD_e_continue);
            if (ZSTD_isError(r)) {
                g_printerr("multifd-limits: zstd: %s\n", ZSTD_getErrorName(r));
                exit(1);
            }
            if (o.pos == o.size) {
                o.pos = 0;      /* the bytes would go to the socket */
            }
        } while (in.pos < in.size || (last && r));
    }
    t0 = now_s() - t0;
    ZSTD_freeCStream(cs);
    return len / t0 / 1e9;
}

static double bench_zlib1(const uint8_t *data, size_t len)
{
    z_stream zs = { 0 };
    size_t cap = deflateBound(&zs, PAGE * PAGES_PER_PACKET) + 64;
    g_autofree uint8_t *out = g_malloc(cap);
    double t0 = now_s();

    if (deflateInit(&zs, 1) != Z_OK) {
        g_printerr("multifd-limits: deflateInit failed\n");
        exit(1);
    }
    for (size_t off = 0; off + PAGE <= len; off += PAGE) {
        bool last = (off / PAGE + 1) % PAGES_PER_PACKET == 0 ||
                    off + 2 * PAGE > len;

        zs.next_in = (uint8_t *)data + off;
        zs.avail_in = PAGE;
        do {
            zs.next_out = out;
            zs.avail_out = cap;
            if (deflate(&zs, last ? Z_SYNC_FLUSH : Z_NO_FLUSH) == Z_STREAM_ERROR) {
                g_printerr("multifd-limits: deflate failed\n");
                exit(1);
            }
        } while (zs.avail_out == 0);
    }
    t0 = now_s() - t0;
    deflateEnd(&zs);
    return len / t0 / 1e9;
}

/* Up to *len bytes of the file (whole pages); *len becomes what was read. */
static uint8_t *load_pattern(const char *path, size_t *len)
{
    uint8_t *p = touched(*len);
    FILE *f = fopen(path, "rb");
    size_t got;

    if (!f) {
        die(path);
    }
    got = fread(p, 1, *len, f) / PAGE * PAGE;
    fclose(f);
    if (got < PAGE * PAGES_PER_PACKET) {
        g_printerr("multifd-limits: %s has less than one packet of pages\n",
                   path);
        exit(1);
    }
    *len = got;
    return p;
}

int main(int argc, char **argv)
{
    gint size_mib = 1024;
    gchar *streams = NULL, *pattern = NULL;
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        { "size-mib", 0, 0, G_OPTION_ARG_INT, &size_mib,
          "bytes per measurement (MiB)", "N" },
        { "streams", 0, 0, G_OPTION_ARG_STRING, &streams,
          "tcp stream counts, comma separated (default 1,2,4)", "LIST" },
        { "pattern", 0, 0, G_OPTION_ARG_FILENAME, &pattern,
          "file whose first size-mib MiB are compressed", "FILE" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) counts = NULL;
    GString *out;
    size_t len;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("multifd-limits: %s\n", err->message);
        return 1;
    }
    if (size_mib < 16 || size_mib > 65536) {
        g_printerr("multifd-limits: --size-mib must be 16..65536\n");
        return 1;
    }
    len = (size_t)size_mib << 20;
    out = g_string_new(json ? "{" : "");
    counts = g_strsplit(streams ? streams : "1,2,4", ",", -1);
    for (int i = 0; counts[i]; i++) {
        char *end;
        long n = strtol(counts[i], &end, 10);
        double gbps;

        if (*end || n < 1 || n > 64) {
            g_printerr("multifd-limits: bad stream count '%s' (1..64)\n",
                       counts[i]);
            return 1;
        }
        /* Best of three: the machine is shared and noisy. */
        gbps = 0;
        for (int rep = 0; rep < 3; rep++) {
            gbps = MAX(gbps, bench_tcp_streams(n, len));
        }
        g_string_append_printf(out, json ? "%s\"tcp%ld\": %.3f" :
                               "%stcp x%ld: %.3f GB/s\n",
                               json && out->len > 1 ? ", " : "", n, gbps);
    }
    if (pattern) {
        size_t plen = len;
        uint8_t *data = load_pattern(pattern, &plen);
        double z1 = bench_zstd1(data, plen), l1 = bench_zlib1(data, plen);

        g_string_append_printf(out, json ?
                               ", \"zstd1\": %.3f, \"zlib1\": %.3f" :
                               "zstd level 1: %.3f GB/s in\n"
                               "zlib level 1: %.3f GB/s in\n", z1, l1);
        munmap(data, len);  /* mapped at len, read plen */
    }
    if (json) {
        g_string_append(out, "}\n");
    }
    fputs(out->str, stdout);
    g_string_free(out, true);
    return 0;
}
