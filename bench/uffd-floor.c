/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's floor for a postcopy page fault: the least a remote
 * fault can cost here, measured the way postcopy pays it.
 *
 *   faulting process   a "vCPU" thread reads one byte of each page of a
 *                      userfaultfd-registered (missing mode) anonymous
 *                      region, in a random order, timing each read; a
 *                      handler thread reads the fault event, sends the
 *                      page's offset over a unix socket and places the
 *                      4 KiB answer with UFFDIO_COPY
 *   serving process    reads each offset and writes that page back
 *
 * stall:   fault to resume as the vCPU thread sees it (what postcopy's
 *          vCPU-side stall figure measures);
 * handler: event read to UFFDIO_COPY done (what postcopy-latency-dist
 *          measures).
 * Usage: uffd-floor [--pages N] [--json]
 */
#include "qemu/osdep.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <poll.h>
#include <linux/userfaultfd.h>

#include "migration/postcopy-uffd.h"

#define PAGE 4096u

typedef struct Floor {
    int uffd;
    int sock;               /* to the serving process */
    uint8_t *region;
    uint32_t pages;
    int64_t *handler_ns;    /* one per served fault */
    uint32_t served;
    bool failed;
    char error[256];
} Floor;

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static bool read_full(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

static bool write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

/* The serving process: one page per offset asked for; the byte pattern
 * says which page it is, so the faulting side can check it. */
static int serve(int sock)
{
    uint8_t page[PAGE];
    uint64_t off;

    while (read_full(sock, &off, sizeof(off))) {
        memset(page, (uint8_t)(off / PAGE) | 1, sizeof(page));
        if (!write_full(sock, page, sizeof(page))) {
            return 1;
        }
    }
    return 0;
}

static gpointer handler_fn(gpointer opaque)
{
    Floor *fl = opaque;
    uint8_t page[PAGE];

    while (fl->served < fl->pages) {
        struct pollfd pfd = { .fd = fl->uffd, .events = POLLIN };
        struct uffd_msg msg;
        uint64_t off;
        int64_t t0;
        ssize_t n;
        int r;

        if (poll(&pfd, 1, 10000) <= 0) {
            snprintf(fl->error, sizeof(fl->error), "no fault event in 10 s "
                     "after %u pages", fl->served);
            break;
        }
        n = read(fl->uffd, &msg, sizeof(msg));
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        t0 = now_ns();
        if (n != sizeof(msg) || msg.event != UFFD_EVENT_PAGEFAULT) {
            snprintf(fl->error, sizeof(fl->error), "unexpected userfaultfd "
                     "read (%zd bytes)", n);
            break;
        }
        off = (msg.arg.pagefault.address - (uintptr_t)fl->region) &
              ~(uint64_t)(PAGE - 1);
        if (!write_full(fl->sock, &off, sizeof(off)) ||
            !read_full(fl->sock, page, sizeof(page))) {
            snprintf(fl->error, sizeof(fl->error), "the serving process "
                     "went away");
            break;
        }
        r = postcopy_uffd_copy(fl->uffd, fl->region + off, page, PAGE);
        if (r < 0 && r != -EEXIST) {
            snprintf(fl->error, sizeof(fl->error), "UFFDIO_COPY: %s",
                     g_strerror(-r));
            break;
        }
        fl->handler_ns[fl->served++] = now_ns() - t0;
    }
    if (fl->served < fl->pages) {
        fl->failed = true;
    }
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array, in µs. */
static double pct_us(const int64_t *v, uint32_t n, double p)
{
    double rank = p / 100.0 * n;
    uint32_t i = (uint32_t)rank;

    if (i < rank) {
        i++;
    }

    return v[i ? i - 1 : 0] / 1000.0;
}

int main(int argc, char **argv)
{
    gint pages = 20000;
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        { "pages", 0, 0, G_OPTION_ARG_INT, &pages,
          "pages to fault (default 20000)", "N" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "- a userfaultfd fault served by another process");
    g_autoptr(GError) err = NULL;
    g_autofree int64_t *stall = NULL;
    g_autofree uint32_t *order = NULL;
    Floor fl = { 0 };
    bool zeropage;
    GThread *th;
    int sv[2], status;
    pid_t pid;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("uffd-floor: %s\n", err->message);
        return 2;
    }
    if (pages < 100 || pages > 1 << 20) {
        g_printerr("uffd-floor: --pages %d is outside 100..1048576\n", pages);
        return 2;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        g_printerr("uffd-floor: socketpair: %s\n", g_strerror(errno));
        return 1;
    }
    pid = fork();
    if (pid < 0) {
        g_printerr("uffd-floor: fork: %s\n", g_strerror(errno));
        return 1;
    }
    if (pid == 0) {
        close(sv[0]);
        _exit(serve(sv[1]));
    }
    close(sv[1]);

    fl.sock = sv[0];
    fl.pages = pages;
    fl.handler_ns = g_new0(int64_t, pages);
    fl.region = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fl.region == MAP_FAILED) {
        g_printerr("uffd-floor: mmap: %s\n", g_strerror(errno));
        return 1;
    }
    /* Postcopy turns huge pages off too: one fault per 4 KiB page. */
    madvise(fl.region, (size_t)pages * PAGE, MADV_NOHUGEPAGE);
    fl.uffd = postcopy_uffd_open(0, NULL, &err);
    if (fl.uffd < 0 ||
        !postcopy_uffd_register(fl.uffd, fl.region, (uint64_t)pages * PAGE,
                                &zeropage, &err)) {
        g_printerr("uffd-floor: %s\n", err->message);
        return 1;
    }

    /* A random order, as a guest's faults are (no readahead to help). */
    order = g_new(uint32_t, pages);
    for (gint i = 0; i < pages; i++) {
        order[i] = i;
    }
    for (gint i = pages - 1; i > 0; i--) {
        uint32_t j = g_random_int_range(0, i + 1), t = order[i];

        order[i] = order[j];
        order[j] = t;
    }

    stall = g_new(int64_t, pages);
    th = g_thread_new("floor/handler", handler_fn, &fl);
    for (gint i = 0; i < pages; i++) {
        volatile uint8_t *p = fl.region + (size_t)order[i] * PAGE;
        int64_t t0 = now_ns();
        uint8_t v = *p;

        stall[i] = now_ns() - t0;
        if (v != ((uint8_t)order[i] | 1)) {
            g_printerr("uffd-floor: page %u holds 0x%02x, not its pattern "
                       "(%s)\n", order[i], v,
                       fl.error[0] ? fl.error : "wrong page placed");
            return 1;
        }
    }
    g_thread_join(th);
    close(fl.sock);
    waitpid(pid, &status, 0);
    munmap(fl.region, (size_t)pages * PAGE);
    close(fl.uffd);
    if (fl.failed) {
        g_free(fl.handler_ns);
        g_printerr("uffd-floor: %s\n", fl.error);
        return 1;
    }

    qsort(stall, pages, sizeof(int64_t), cmp_i64);
    qsort(fl.handler_ns, pages, sizeof(int64_t), cmp_i64);
    if (json) {
        printf("{\"pages\": %d, \"stall_p50_us\": %.2f, "
               "\"stall_p99_us\": %.2f, \"handler_p50_us\": %.2f, "
               "\"handler_p99_us\": %.2f}\n", pages,
               pct_us(stall, pages, 50), pct_us(stall, pages, 99),
               pct_us(fl.handler_ns, pages, 50),
               pct_us(fl.handler_ns, pages, 99));
    } else {
        printf("userfaultfd fault served by another process over a unix "
               "socket (%d pages, random order):\n"
               "  stall (vCPU view)      p50 %.1f us, p99 %.1f us\n"
               "  handler (read->placed) p50 %.1f us, p99 %.1f us\n",
               pages, pct_us(stall, pages, 50), pct_us(stall, pages, 99),
               pct_us(fl.handler_ns, pages, 50),
               pct_us(fl.handler_ns, pages, 99));
    }
    g_free(fl.handler_ns);
    return 0;
}
