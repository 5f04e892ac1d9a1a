/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's limits for migrating RAM, measured the way the migration
 * bench needs them as denominators:
 *   memcpy   one thread copying between two pre-touched buffers;
 *   zero     one core running ram_page_is_zero() (the RAM saver's own
 *            check) over pre-touched zero pages;
 *   unix     a plain stream copy from one process to another over a unix
 *            socket pair, large writes, read into a pre-touched buffer;
 *   tcp      the same over tcp loopback;
 *   unix-fresh, tcp-fresh
 *            the same copies read into freshly mapped memory advised for
 *            huge pages, as guest RAM is, so the first touch of every
 *            page happens inside the reads: the fair limit for a
 *            destination without prealloc;
 *   touch    first touch of fresh anonymous memory advised for huge pages,
 *            as guest RAM is: what a destination without prealloc pays
 *            on top of the copy (slow on VMs whose host backs guest
 *            memory lazily).
 * The copies and the first touch also give the CPU-seconds the reader
 * (toucher) used ("<name>-cpu" in JSON): wall-clock rates on a shared
 * machine move with the load, CPU-seconds much less.
 * GB here are 10^9 bytes. Usage: mig-limits [--size-mib N] [--json]
 *   [--only memcpy,zero,unix,tcp,touch,unix-fresh,tcp-fresh]
 */
#include "qemu/osdep.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "migration/ram-internal.h"
#include "loopback.h"

#define CHUNK (1u << 20)        /* bytes per write()/read() call */

static double now_s(void)
{
    return g_get_monotonic_time() / 1e6;
}

/*
 * CPU-seconds (user + system) this process has used: the receiving side
 * of a copy, or the toucher. On a loaded machine the steadier figure.
 */
static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU-seconds of the last stream copy's reader or first touch; < 0 if
 * the last measurement has none. */
static double last_cpu = -1;

/*
 * Anonymous memory mapped and advised as a guest's RAM is
 * (system/physmem.c), not touched yet.
 */
static uint8_t *fresh_buffer(size_t len)
{
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED) {
        g_printerr("mig-limits: cannot map %zu bytes: %s\n", len,
                   g_strerror(errno));
        exit(1);
    }
    madvise(p, len, MADV_HUGEPAGE);
    return p;
}

/* Anonymous memory, every page written so no first-touch cost is timed. */
static uint8_t *touched_buffer(size_t len, uint8_t fill)
{
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        g_printerr("mig-limits: cannot map %zu bytes: %s\n", len,
                   g_strerror(errno));
        exit(1);
    }
    memset(p, fill, len);
    return p;
}

/* Bytes that are not all zero and not compressible in any simple way. */
static void fill_pseudo_random(uint8_t *p, size_t len)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (size_t i = 0; i + 8 <= len; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(p + i, &x, 8);
    }
}

static double bench_memcpy(size_t len)
{
    uint8_t *src = touched_buffer(len, 1);
    uint8_t *dst = touched_buffer(len, 2);
    double best = 0;

    /* Best of three: the figure is a limit, not a typical case. */
    for (int i = 0; i < 3; i++) {
        double t0 = now_s();

        memcpy(dst, src, len);
        best = MAX(best, len / (now_s() - t0));
    }
    if (dst[len - 1] != 1) {
        abort();
    }
    munmap(src, len);
    munmap(dst, len);
    return best / 1e9;
}

static double bench_zero(size_t len)
{
    uint8_t *buf = touched_buffer(len, 0);
    double best = 0;

    for (int i = 0; i < 3; i++) {
        size_t zero = 0;
        double t0 = now_s();

        for (size_t off = 0; off < len; off += TARGET_PAGE_SIZE) {
            zero += ram_page_is_zero(buf + off);
        }
        best = MAX(best, len / (now_s() - t0));
        if (zero != len / TARGET_PAGE_SIZE) {
            abort();
        }
    }
    munmap(buf, len);
    return best / 1e9;
}

static void write_all_or_die(int fd, const uint8_t *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, MIN(len, (size_t)CHUNK * 4));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            _exit(1);
        }
        p += n;
        len -= n;
    }
}

/*
 * Copy len bytes from a forked writer to this process over the connected
 * pair (rd, wr). The writer's buffer is touched before the clock starts
 * (the writer waits for one byte from the reader), and so is the
 * reader's unless `fresh`; both only after the fork: a buffer shared
 * copy-on-write with the child would time page copies.
 */
static double stream_copy(int rd, int wr, size_t len, bool fresh)
{
    uint8_t *dst;
    uint8_t go = 1;
    size_t got = 0;
    double t0;
    int status;
    pid_t pid = fork();

    if (pid < 0) {
        g_printerr("mig-limits: fork: %s\n", g_strerror(errno));
        exit(1);
    }
    if (pid == 0) {
        uint8_t *src = touched_buffer(len, 0);

        close(rd);
        fill_pseudo_random(src, len);
        write_all_or_die(wr, &go, 1);
        if (read(wr, &go, 1) != 1) {
            _exit(1);
        }
        write_all_or_die(wr, src, len);
        _exit(0);
    }
    close(wr);
    dst = fresh ? fresh_buffer(len) : touched_buffer(len, 3);
    if (read(rd, &go, 1) != 1 || write(rd, &go, 1) != 1) {
        g_printerr("mig-limits: writer did not start\n");
        exit(1);
    }
    t0 = now_s();
    last_cpu = cpu_s();
    while (got < len) {
        ssize_t n = read(rd, dst + got, MIN(len - got, (size_t)CHUNK * 4));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_printerr("mig-limits: stream ended after %zu bytes\n", got);
            exit(1);
        }
        got += n;
    }
    t0 = now_s() - t0;
    last_cpu = cpu_s() - last_cpu;
    close(rd);
    waitpid(pid, &status, 0);
    munmap(dst, len);
    return len / t0 / 1e9;
}

static double unix_copy(size_t len, bool fresh)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        g_printerr("mig-limits: socketpair: %s\n", g_strerror(errno));
        exit(1);
    }
    /* The buffers migration/socket.c asks for on its unix sockets. */
    for (int i = 0; i < 2; i++) {
        int size = 4 * 1024 * 1024;

        (void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
        (void)setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
    return stream_copy(sv[0], sv[1], len, fresh);
}

static double tcp_copy(size_t len, bool fresh)
{
    int fds[2];

    if (!bench_tcp_pair(fds)) {
        g_printerr("mig-limits: tcp pair: %s\n", g_strerror(errno));
        exit(1);
    }
    return stream_copy(fds[1], fds[0], len, fresh);
}

static double bench_unix(size_t len)
{
    return unix_copy(len, false);
}

static double bench_tcp(size_t len)
{
    return tcp_copy(len, false);
}

static double bench_unix_fresh(size_t len)
{
    return unix_copy(len, true);
}

static double bench_tcp_fresh(size_t len)
{
    return tcp_copy(len, true);
}

static double bench_touch(size_t len)
{
    uint8_t *p = fresh_buffer(len);
    double t0 = now_s();

    last_cpu = cpu_s();
    memset(p, 1, len);
    t0 = now_s() - t0;
    last_cpu = cpu_s() - last_cpu;
    munmap(p, len);
    return len / t0 / 1e9;
}

typedef struct Limit {
    const char *name;
    const char *what;
    double (*run)(size_t len);
} Limit;

static const Limit limits[] = {
    { "memcpy", "memcpy, one thread", bench_memcpy },
    { "zero", "zero-page check, one core", bench_zero },
    { "unix", "unix socket copy, two processes", bench_unix },
    { "tcp", "tcp loopback copy, two processes", bench_tcp },
    { "touch", "first touch of fresh memory", bench_touch },
    { "unix-fresh", "unix socket copy into fresh memory", bench_unix_fresh },
    { "tcp-fresh", "tcp copy into fresh memory", bench_tcp_fresh },
};

int main(int argc, char **argv)
{
    int size_mib = 1024;
    gboolean json = FALSE;
    g_autofree char *only = NULL;
    GOptionEntry entries[] = {
        { "size-mib", 0, 0, G_OPTION_ARG_INT, &size_mib,
          "bytes per measurement, in MiB (default 1024)", "N" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json,
          "print one JSON object of GB/s figures", NULL },
        { "only", 0, 0, G_OPTION_ARG_STRING, &only,
          "comma-separated subset of memcpy,zero,unix,tcp,touch,"
          "unix-fresh,tcp-fresh", "LIST" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- RAM migration limits");
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) want = NULL;
    size_t len;
    bool first = true;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("mig-limits: %s\n", err->message);
        return 1;
    }
    if (size_mib < 1 || size_mib > 16384) {
        g_printerr("mig-limits: --size-mib %d: must be 1..16384\n", size_mib);
        return 1;
    }
    want = g_strsplit(only ? only : "memcpy,zero,unix,tcp,touch,unix-fresh,"
                      "tcp-fresh", ",", -1);
    for (char **w = want; *w; w++) {
        bool known = false;

        for (size_t i = 0; i < G_N_ELEMENTS(limits); i++) {
            known |= !strcmp(*w, limits[i].name);
        }
        if (!known) {
            g_printerr("mig-limits: --only: unknown measurement '%s' "
                       "(memcpy, zero, unix, tcp, touch, unix-fresh, "
                       "tcp-fresh)\n", *w);
            return 1;
        }
    }
    len = (size_t)size_mib << 20;
    signal(SIGPIPE, SIG_IGN);
    if (json) {
        printf("{");
    }
    for (size_t i = 0; i < G_N_ELEMENTS(limits); i++) {
        double gbps;

        if (!g_strv_contains((const char *const *)want, limits[i].name)) {
            continue;
        }
        last_cpu = -1;
        gbps = limits[i].run(len);
        if (json) {
            printf("%s\"%s\": %.3f", first ? "" : ", ", limits[i].name, gbps);
            if (last_cpu >= 0) {
                printf(", \"%s-cpu\": %.3f", limits[i].name, last_cpu);
            }
        } else if (last_cpu >= 0) {
            printf("%-34s %7.2f GB/s  %5.2f CPU-s (reader)\n",
                   limits[i].what, gbps, last_cpu);
        } else {
            printf("%-34s %7.2f GB/s\n", limits[i].what, gbps);
        }
        first = false;
        fflush(stdout);
    }
    if (json) {
        printf("}\n");
    }
    return 0;
}
