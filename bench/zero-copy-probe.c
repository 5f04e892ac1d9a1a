/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Can a migration sender skip the kernel's copy on this machine? One
 * process sends 1 GiB of private anonymous memory advised for huge pages
 * (as guest RAM is) to another over N loopback streams, laid out as a
 * migration stream lays out pages, and each way of sending is timed:
 *
 *   writev     the kernel copies the pages into socket buffers (what the
 *              emulator does);
 *   splice     vmsplice() the pages into a pipe, splice() the pipe into
 *              the socket: the socket holds references to the sender's
 *              pages, only the receiver copies;
 *   zerocopy   send(MSG_ZEROCOPY) (tcp only): the kernel pins the pages
 *              and reports on the error queue whether it had to copy
 *              them after all ("copied" counts those completions).
 *
 * Shapes: "multifd" (a 1 KiB packet header, then 128 pages, as a multifd
 * channel sends) and "precopy" (an 8-byte header before every page, as
 * the main channel sends). The headers live in memory that is never
 * written after setup, so page references to them stay valid however
 * late the receiver reads them. The receiver reads straight into
 * pre-touched memory. Printed: wall ms, sender and receiver CPU-s.
 *
 * Usage: zero-copy-probe [--size-mib N] [--streams N] [--transport
 *   tcp|unix] [--shape multifd|precopy] [--methods writev,splice,zerocopy]
 *   [--rounds N]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <poll.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "loopback.h"

#define PAGE 4096u
#define PACKET_PAGES 128u
#define PACKET_HDR 1024u
#define PREC_HDR 8u
#define PIPE_BYTES (1u << 20)
#define MAX_IOV 1024u

enum { M_WRITEV, M_SPLICE, M_ZEROCOPY };
static const char *const method_names[] = { "writev", "splice", "zerocopy" };

static size_t size_bytes = (size_t)1 << 30;
static unsigned nstreams = 4;
static bool use_unix;
static bool precopy_shape;

static G_NORETURN void die(const char *what)
{
    g_printerr("zero-copy-probe: %s: %s\n", what, g_strerror(errno));
    exit(1);
}

static uint8_t *huge_area(size_t len)
{
    size_t align = 2u << 20;
    uint8_t *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        die("mmap");
    }
    p = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
    madvise(p, len, MADV_HUGEPAGE);
    return p;
}

static double cpu_s(void)
{
    struct rusage r;

    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec +
           (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

/*
 * The iovecs of one send unit starting at page p of the slice: a packet
 * (header + up to 128 pages, contiguous pages merged) or, for the precopy
 * shape, up to 128 header+page pairs. hdrs holds every header, never
 * written after setup.
 */
static unsigned unit_iov(struct iovec *iov, uint8_t *mem, const uint8_t *hdrs,
                         size_t p, size_t npages)
{
    size_t n = MIN(PACKET_PAGES, npages - p);
    unsigned at = 0;

    if (!precopy_shape) {
        iov[at++] = (struct iovec){ (void *)(hdrs + p / PACKET_PAGES *
                                             PACKET_HDR), PACKET_HDR };
        iov[at++] = (struct iovec){ mem + p * PAGE, n * PAGE };
        return at;
    }
    for (size_t i = 0; i < n; i++) {
        iov[at++] = (struct iovec){ (void *)(hdrs + (p + i) * PREC_HDR),
                                    PREC_HDR };
        iov[at++] = (struct iovec){ mem + (p + i) * PAGE, PAGE };
    }
    return at;
}

static void advance(struct iovec **v, unsigned *cnt, size_t done)
{
    while (done) {
        size_t step = MIN(done, (*v)->iov_len);

        (*v)->iov_base = (uint8_t *)(*v)->iov_base + step;
        (*v)->iov_len -= step;
        done -= step;
        if ((*v)->iov_len == 0) {
            (*v)++;
            (*cnt)--;
        }
    }
}

typedef struct Stream {
    int fd;
    int method;
    uint8_t *mem;               /* this stream's slice */
    const uint8_t *hdrs;        /* its headers */
    size_t npages;
    unsigned copied, completions;
} Stream;

/*
 * Count every completion queued on the error queue. Reading it never
 * blocks, so a caller that must wait for one sleeps in poll() (an error
 * queue entry raises POLLERR) rather than spinning on the CPU it measures.
 */
static void reap_zerocopy(Stream *s, bool wait)
{
    if (wait) {
        struct pollfd p = { .fd = s->fd };

        while (poll(&p, 1, -1) < 0 && errno == EINTR) {
        }
    }
    for (;;) {
        char cbuf[128];
        struct msghdr m = { .msg_control = cbuf,
                            .msg_controllen = sizeof(cbuf) };
        struct cmsghdr *c;

        if (recvmsg(s->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return;
            }
            die("recvmsg(MSG_ERRQUEUE)");
        }
        for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            struct sock_extended_err *e = (void *)CMSG_DATA(c);

            if (e->ee_origin == SO_EE_ORIGIN_ZEROCOPY) {
                unsigned n = e->ee_data - e->ee_info + 1;

                s->completions += n;
                if (e->ee_code & SO_EE_CODE_ZEROCOPY_COPIED) {
                    s->copied += n;
                }
            }
        }
    }
}

static gpointer send_stream(gpointer opaque)
{
    Stream *s = opaque;
    struct iovec iov[2 * PACKET_PAGES];
    int pp[2] = { -1, -1 };
    unsigned sends = 0;

    if (s->method == M_SPLICE) {
        if (pipe(pp) < 0) {
            die("pipe");
        }
        fcntl(pp[1], F_SETPIPE_SZ, PIPE_BYTES);
    }
    for (size_t p = 0; p < s->npages; p += PACKET_PAGES) {
        unsigned cnt = unit_iov(iov, s->mem, s->hdrs, p, s->npages);
        struct iovec *v = iov;

        while (cnt) {
            ssize_t n;

            if (s->method == M_WRITEV) {
                n = writev(s->fd, v, MIN(cnt, MAX_IOV));
            } else if (s->method == M_ZEROCOPY) {
                struct msghdr m = { .msg_iov = v, .msg_iovlen = cnt };

                n = sendmsg(s->fd, &m, MSG_ZEROCOPY);
                if (n > 0) {
                    sends++;
                }
                reap_zerocopy(s, false);
            } else {
                n = vmsplice(pp[1], v, MIN(cnt, MAX_IOV), 0);
                for (ssize_t left = n; left > 0;) {
                    ssize_t m = splice(pp[0], NULL, s->fd, NULL, left,
                                       SPLICE_F_MOVE | SPLICE_F_MORE);

                    if (m <= 0) {
                        die("splice");
                    }
                    left -= m;
                }
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && errno == ENOBUFS && s->method == M_ZEROCOPY) {
                reap_zerocopy(s, true);     /* too many sends pinned */
                continue;
            }
            if (n <= 0) {
                die(method_names[s->method]);
            }
            advance(&v, &cnt, n);
        }
    }
    while (s->method == M_ZEROCOPY && s->completions < sends) {
        reap_zerocopy(s, true);
    }
    if (pp[0] >= 0) {
        close(pp[0]);
        close(pp[1]);
    }
    shutdown(s->fd, SHUT_WR);
    return NULL;
}

static gpointer recv_stream(gpointer opaque)
{
    Stream *s = opaque;
    struct iovec iov[2 * PACKET_PAGES];
    g_autofree uint8_t *hdr = g_malloc(MAX(PACKET_HDR, PREC_HDR *
                                           PACKET_PAGES));

    for (size_t p = 0; p < s->npages; p += PACKET_PAGES) {
        /* Same layout as sent, headers into a scratch buffer. */
        unsigned cnt = unit_iov(iov, s->mem, hdr, p, s->npages);
        struct iovec *v = iov;

        if (precopy_shape) {
            for (unsigned i = 0; i < cnt; i += 2) {
                iov[i].iov_base = hdr + i / 2 * PREC_HDR;
            }
        } else {
            iov[0].iov_base = hdr;
        }
        while (cnt) {
            ssize_t n = readv(s->fd, v, MIN(cnt, MAX_IOV));

            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                die("readv");
            }
            advance(&v, &cnt, n);
        }
    }
    return NULL;
}

static void connect_pairs(int *snd, int *rcv)
{
    for (unsigned i = 0; i < nstreams; i++) {
        int fds[2];

        if (use_unix) {
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
                die("socketpair");
            }
        } else {
            int one = 1;

            if (!bench_tcp_pair(fds)) {
                die("tcp pair");
            }
            /* Before the first send; any state of the socket will do. */
            setsockopt(fds[0], SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one));
        }
        snd[i] = fds[0];
        rcv[i] = fds[1];
    }
}

/* One transfer with one method; prints its line. */
static void run_once(int method, uint8_t *src, const uint8_t *hdrs)
{
    size_t npages = size_bytes / PAGE, per = npages / nstreams;
    int snd[64], rcv[64], ready[2], report[2];
    g_autofree Stream *st = g_new0(Stream, nstreams);
    g_autofree GThread **th = g_new0(GThread *, nstreams);
    double t0, c0, dst_cpu = 0;
    unsigned copied = 0, completions = 0;
    pid_t pid;
    char c;

    connect_pairs(snd, rcv);
    if (pipe(ready) < 0 || pipe(report) < 0) {
        die("pipe");
    }
    pid = fork();
    if (pid < 0) {
        die("fork");
    }
    if (pid == 0) {
        uint8_t *dst = huge_area(size_bytes);

        memset(dst, 0x5a, size_bytes);  /* as a preallocated destination */
        c0 = cpu_s();
        if (write(ready[1], "r", 1) != 1) {
            _exit(1);
        }
        for (unsigned i = 0; i < nstreams; i++) {
            close(snd[i]);
            st[i] = (Stream){ .fd = rcv[i], .mem = dst + i * per * PAGE,
                              .npages = per };
            th[i] = g_thread_new("recv", recv_stream, &st[i]);
        }
        for (unsigned i = 0; i < nstreams; i++) {
            g_thread_join(th[i]);
        }
        dst_cpu = cpu_s() - c0;
        _exit(write(report[1], &dst_cpu, sizeof(dst_cpu)) ==
              sizeof(dst_cpu) ? 0 : 1);
    }
    for (unsigned i = 0; i < nstreams; i++) {
        close(rcv[i]);
    }
    if (read(ready[0], &c, 1) != 1) {
        die("receiver");
    }
    c0 = cpu_s();
    t0 = g_get_monotonic_time() / 1e6;
    for (unsigned i = 0; i < nstreams; i++) {
        st[i] = (Stream){ .fd = snd[i], .method = method,
                          .mem = src + i * per * PAGE,
                          .hdrs = hdrs + i * per *
                                  (precopy_shape ? PREC_HDR
                                                 : PACKET_HDR / PACKET_PAGES),
                          .npages = per };
        th[i] = g_thread_new("send", send_stream, &st[i]);
    }
    for (unsigned i = 0; i < nstreams; i++) {
        g_thread_join(th[i]);
        copied += st[i].copied;
        completions += st[i].completions;
        close(snd[i]);
    }
    if (read(report[0], &dst_cpu, sizeof(dst_cpu)) != sizeof(dst_cpu)) {
        die("receiver's report");
    }
    waitpid(pid, NULL, 0);
    printf("%-8s %-7s %-4s %u streams  %7.1f ms  sender %.3f CPU-s  "
           "receiver %.3f CPU-s", method_names[method],
           precopy_shape ? "precopy" : "multifd", use_unix ? "unix" : "tcp",
           nstreams, (g_get_monotonic_time() / 1e6 - t0) * 1e3,
           cpu_s() - c0, dst_cpu);
    if (method == M_ZEROCOPY) {
        printf("  copied by the kernel: %u of %u sends", copied, completions);
    }
    printf("\n");
    fflush(stdout);
    close(ready[0]);
    close(ready[1]);
    close(report[0]);
    close(report[1]);
}

int main(int argc, char **argv)
{
    gint size_mib = 1024, streams = 4, rounds = 3;
    g_autofree char *transport = NULL, *shape = NULL, *methods = NULL;
    GOptionEntry entries[] = {
        { "size-mib", 0, 0, G_OPTION_ARG_INT, &size_mib, "MiB sent", "N" },
        { "streams", 0, 0, G_OPTION_ARG_INT, &streams, "streams (1-64)",
          "N" },
        { "transport", 0, 0, G_OPTION_ARG_STRING, &transport, "tcp or unix",
          "T" },
        { "shape", 0, 0, G_OPTION_ARG_STRING, &shape, "multifd or precopy",
          "S" },
        { "methods", 0, 0, G_OPTION_ARG_STRING, &methods,
          "comma list of writev,splice,zerocopy", "M" },
        { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "rounds over the methods",
          "N" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) names = NULL;
    int list[3], nlist = 0;
    size_t npages, hdr_len;
    uint8_t *src, *hdrs;
    uint64_t x = 0x9e3779b97f4a7c15ull;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("zero-copy-probe: %s\n", err->message);
        return 2;
    }
    use_unix = transport && !strcmp(transport, "unix");
    precopy_shape = shape && !strcmp(shape, "precopy");
    if ((transport && !use_unix && strcmp(transport, "tcp")) ||
        (shape && !precopy_shape && strcmp(shape, "multifd")) ||
        size_mib < 1 || size_mib > 65536 || streams < 1 || streams > 64 ||
        rounds < 1) {
        g_printerr("zero-copy-probe: bad --transport, --shape, --size-mib, "
                   "--streams or --rounds\n");
        return 2;
    }
    names = g_strsplit(methods ? methods : "writev,splice,zerocopy", ",", 0);
    for (char **n = names; *n; n++) {
        int m = -1;

        for (int i = 0; i < 3; i++) {
            if (!strcmp(*n, method_names[i])) {
                m = i;
            }
        }
        if (m < 0 || nlist == 3 || (m == M_ZEROCOPY && use_unix)) {
            g_printerr("zero-copy-probe: method '%s' unknown, repeated or "
                       "not for this transport (unix has no MSG_ZEROCOPY)\n",
                       *n);
            return 2;
        }
        list[nlist++] = m;
    }
    nstreams = streams;
    npages = (size_t)size_mib * (1u << 20) / PAGE / nstreams /
             PACKET_PAGES * PACKET_PAGES * nstreams;
    size_bytes = npages * PAGE;
    src = huge_area(size_bytes);
    for (size_t i = 0; i < size_bytes / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ((uint64_t *)src)[i] = x;
    }
    hdr_len = precopy_shape ? npages * PREC_HDR
                            : npages / PACKET_PAGES * PACKET_HDR;
    hdrs = g_malloc(hdr_len);
    for (size_t i = 0; i < hdr_len; i++) {
        hdrs[i] = (uint8_t)(i * 131);
    }
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < nlist; i++) {
            run_once(list[i], src, hdrs);
        }
    }
    return 0;
}
