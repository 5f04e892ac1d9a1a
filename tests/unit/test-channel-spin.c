/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MigChannel read spinning (mig_channel_expect_data): a spinning reader
 * returns the same bytes as a sleeping one, it spins only when armed and
 * only for the armed time, the first bytes use a spin up, a sleeping
 * reader is woken to spin, it stops spinning for a peer slower than the
 * spin, and shutdown still ends a read at once.
 */
#include "qemu/osdep.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include "migration/channel.h"

/* Long: under load a reader that found the CPU busy backs off from
 * spinning for up to a second at a time (channel.c). */
#define DEADLINE_US (20 * G_USEC_PER_SEC)

typedef struct Pair {
    MigChannel *w, *r;
} Pair;

static Pair make_pair(bool socket)
{
    int fds[2];
    Pair p;

    if (socket) {
        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
        p.w = mig_channel_new_fd(fds[0], "spin-w");
        p.r = mig_channel_new_fd(fds[1], "spin-r");
    } else {
        g_assert_cmpint(pipe(fds), ==, 0);
        p.w = mig_channel_new_fd(fds[1], "spin-w");
        p.r = mig_channel_new_fd(fds[0], "spin-r");
    }
    return p;
}

static void free_pair(Pair *p)
{
    mig_channel_unref(p->w);
    mig_channel_unref(p->r);
}

static gint64 thread_cpu_us(void)
{
    struct rusage ru;

    g_assert_cmpint(getrusage(RUSAGE_THREAD, &ru), ==, 0);
    return (gint64)ru.ru_utime.tv_sec * G_USEC_PER_SEC + ru.ru_utime.tv_usec +
           (gint64)ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
}

static uint64_t hits_of(MigChannel *ch)
{
    uint64_t h, m;

    mig_channel_spin_stats(ch, &h, &m);
    return h;
}

static uint64_t misses_of(MigChannel *ch)
{
    uint64_t h, m;

    mig_channel_spin_stats(ch, &h, &m);
    return m;
}

/* ---- a reader thread reading `len` bytes ---- */

typedef struct Reader {
    MigChannel *ch;
    uint8_t *buf;
    size_t len;
    bool ok;
    GError *err;
    gint64 cpu_us;          /* the thread's CPU time spent in the read */
    gint64 done_at;         /* monotonic time the read returned */
    GThread *thread;
} Reader;

static gpointer reader_fn(gpointer opaque)
{
    Reader *rd = opaque;
    gint64 cpu0 = thread_cpu_us();

    rd->ok = mig_channel_read_all(rd->ch, rd->buf, rd->len, &rd->err);
    rd->cpu_us = thread_cpu_us() - cpu0;
    qatomic_set(&rd->done_at, g_get_monotonic_time());
    return NULL;
}

static void reader_start(Reader *rd, MigChannel *ch, size_t len)
{
    *rd = (Reader) { .ch = ch, .buf = g_malloc0(len ? len : 1), .len = len };
    rd->thread = g_thread_new("spin-reader", reader_fn, rd);
}

static void reader_join(Reader *rd)
{
    g_thread_join(rd->thread);
}

static void reader_free(Reader *rd)
{
    g_free(rd->buf);
    g_clear_error(&rd->err);
}

/*
 * Arm ch (whose reader is about to read or reading) until one spin has
 * run out: a reader that starts late finds the deadline passed, so arm
 * again; each arm costs at most MIG_CHANNEL_SPIN_MAX_US of spinning.
 */
static void arm_until_miss(MigChannel *ch)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
    uint64_t misses = misses_of(ch);

    while (misses_of(ch) == misses) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        mig_channel_expect_data(ch, MIG_CHANNEL_SPIN_MAX_US);
        g_usleep(3000);
    }
}

/*
 * A stream of irregular chunks, the writer arming the reader before
 * each, the reader's buffer filled by short reads: the bytes are the
 * ones written, in order.
 */
static void check_same_bytes(bool socket)
{
    enum { TOTAL = 512 * 1024 };
    Pair p = make_pair(socket);
    g_autofree uint8_t *data = g_malloc(TOTAL);
    GRand *rand = g_rand_new_with_seed(8);
    Reader rd;
    size_t off = 0;

    for (size_t i = 0; i < TOTAL; i++) {
        data[i] = g_rand_int(rand);
    }
    reader_start(&rd, p.r, TOTAL);
    while (off < TOTAL) {
        size_t n = MIN((size_t)g_rand_int_range(rand, 1, 9000), TOTAL - off);

        mig_channel_expect_data(p.r, g_rand_int_range(rand, 0, 2) ?
                                MIG_CHANNEL_SPIN_MAX_US : 50);
        if (g_rand_int_range(rand, 0, 8) == 0) {
            g_usleep(g_rand_int_range(rand, 0, 300));
        }
        g_assert_true(mig_channel_write_all(p.w, data + off, n, NULL));
        off += n;
    }
    reader_join(&rd);
    g_assert_no_error(rd.err);
    g_assert_true(rd.ok);
    g_assert_cmpmem(rd.buf, TOTAL, data, TOTAL);
    reader_free(&rd);
    g_rand_free(rand);
    free_pair(&p);
}

static void test_same_bytes_socket(void)
{
    check_same_bytes(true);
}

static void test_same_bytes_pipe(void)
{
    check_same_bytes(false);
}

/*
 * Not armed, a read that waits 200 ms costs (nearly) no CPU and never
 * spins; armed once, it spins at most the armed time, then sleeps.
 */
static void check_idle_cost(bool arm)
{
    Pair p = make_pair(true);
    uint8_t byte = 0x5a;
    Reader rd;

    reader_start(&rd, p.r, 1);
    if (arm) {
        arm_until_miss(p.r);
    }
    g_usleep(200 * 1000);
    g_assert_true(mig_channel_write_all(p.w, &byte, 1, NULL));
    reader_join(&rd);
    g_assert_true(rd.ok);
    g_assert_cmpint(rd.buf[0], ==, 0x5a);
    /* A spin of 200 ms would show; 1 ms per arm does not. */
    g_assert_cmpint(rd.cpu_us, <, 50 * 1000);
    g_assert_cmpuint(misses_of(p.r), ==, arm ? 1 : 0);
    g_assert_cmpuint(hits_of(p.r), ==, 0);
    reader_free(&rd);
    free_pair(&p);
}

static void test_not_armed(void)
{
    check_idle_cost(false);
}

static void test_armed_bounded(void)
{
    check_idle_cost(true);
}

/*
 * A sleeping reader, armed from another thread, wakes and catches the
 * bytes while spinning (retried until it does: how soon a woken thread
 * runs is up to the scheduler); the hit uses the spin up, so the next
 * empty read sleeps and costs no CPU.
 */
static void test_kick_and_hit(void)
{
    Pair p = make_pair(true);
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
    uint8_t byte = 0;

    while (hits_of(p.r) == 0) {
        Reader rd;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        reader_start(&rd, p.r, 1);
        g_usleep(2000);     /* let it fall asleep in poll() */
        mig_channel_expect_data(p.r, MIG_CHANNEL_SPIN_MAX_US);
        g_usleep(100);
        g_assert_true(mig_channel_write_all(p.w, &byte, 1, NULL));
        reader_join(&rd);
        g_assert_true(rd.ok);
        g_assert_cmpint(rd.buf[0], ==, byte);
        reader_free(&rd);
        byte++;
    }

    /* Used up by the hit: the next read sleeps at once (had the spin
     * stayed armed, it would spin and run out: one more miss). */
    {
        Reader rd;
        uint64_t misses = misses_of(p.r);

        reader_start(&rd, p.r, 1);
        g_usleep(100 * 1000);
        g_assert_true(mig_channel_write_all(p.w, &byte, 1, NULL));
        reader_join(&rd);
        g_assert_true(rd.ok);
        g_assert_cmpuint(misses_of(p.r), ==, misses);
        g_assert_cmpint(rd.cpu_us, <, 50 * 1000);
        reader_free(&rd);
    }
    free_pair(&p);
}

/* One armed read whose byte comes `delay_us` after the arm. */
static void armed_read(Pair *p, gint64 delay_us)
{
    uint8_t byte = 1;
    Reader rd;

    reader_start(&rd, p->r, 1);
    g_usleep(2000);
    mig_channel_expect_data(p->r, MIG_CHANNEL_SPIN_MAX_US);
    g_usleep(delay_us);
    g_assert_true(mig_channel_write_all(p->w, &byte, 1, NULL));
    reader_join(&rd);
    g_assert_true(rd.ok);
    reader_free(&rd);
}

/*
 * A peer whose bytes come later than any spin could wait is learnt:
 * armed reads stop spinning (no more spins run out); the reader spins
 * again once the bytes come quickly.
 */
static void test_learns_slow_peer(void)
{
    Pair p = make_pair(true);
    uint64_t misses;

    for (int i = 0; i < 10; i++) {
        armed_read(&p, 5000);
    }
    misses = misses_of(p.r);
    armed_read(&p, 20 * 1000);
    g_assert_cmpuint(misses_of(p.r), ==, misses);

    /* Quick bytes bring the average down; then a spin runs again. */
    {
        gint64 deadline = g_get_monotonic_time() + DEADLINE_US;

        while (hits_of(p.r) == 0) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            armed_read(&p, 0);
        }
    }
    free_pair(&p);
}

/* Shutdown ends a read promptly whether the reader spins or sleeps. */
typedef struct Armer {
    MigChannel *ch;
    bool stop;
} Armer;

static gpointer armer_fn(gpointer opaque)
{
    Armer *a = opaque;

    while (!qatomic_read(&a->stop)) {
        mig_channel_expect_data(a->ch, MIG_CHANNEL_SPIN_MAX_US);
        g_usleep(200);
    }
    return NULL;
}

static void check_shutdown(bool keep_armed)
{
    Pair p = make_pair(true);
    Armer armer = { .ch = p.r };
    GThread *t = NULL;
    gint64 shut_at;
    Reader rd;

    reader_start(&rd, p.r, 16);
    if (keep_armed) {
        t = g_thread_new("spin-armer", armer_fn, &armer);
    } else {
        arm_until_miss(p.r);
    }
    g_usleep(20 * 1000);
    shut_at = g_get_monotonic_time();
    mig_channel_shutdown(p.r, MIG_CHANNEL_SHUTDOWN_READ);
    reader_join(&rd);
    g_assert_false(rd.ok);
    g_assert_nonnull(rd.err);
    g_assert_nonnull(strstr(rd.err->message, "shut down while reading"));
    /* Generous for a loaded machine; a reader that ignored the shutdown
     * would only stop at the test's own timeout. */
    g_assert_cmpint(rd.done_at - shut_at, <, 2 * G_USEC_PER_SEC);
    if (t) {
        qatomic_set(&armer.stop, true);
        g_thread_join(t);
    }
    reader_free(&rd);
    free_pair(&p);
}

static void test_shutdown_spinning(void)
{
    check_shutdown(true);
}

static void test_shutdown_sleeping(void)
{
    check_shutdown(false);
}

/* Channels that cannot spin ignore the hint. */
static void test_mem_channel_ignores(void)
{
    MigChannel *ch = mig_channel_new_mem("ab", 2, "mem");
    uint8_t buf[2];

    mig_channel_expect_data(ch, MIG_CHANNEL_SPIN_MAX_US);
    g_assert_true(mig_channel_read_all(ch, buf, 2, NULL));
    g_assert_cmpmem(buf, 2, "ab", 2);
    g_assert_cmpuint(hits_of(ch), ==, 0);
    g_assert_cmpuint(misses_of(ch), ==, 0);
    mig_channel_unref(ch);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/channel-spin/same-bytes/socket", test_same_bytes_socket);
    g_test_add_func("/channel-spin/same-bytes/pipe", test_same_bytes_pipe);
    g_test_add_func("/channel-spin/not-armed", test_not_armed);
    g_test_add_func("/channel-spin/armed-bounded", test_armed_bounded);
    g_test_add_func("/channel-spin/kick-and-hit", test_kick_and_hit);
    g_test_add_func("/channel-spin/learns-slow-peer", test_learns_slow_peer);
    g_test_add_func("/channel-spin/shutdown/spinning",
                    test_shutdown_spinning);
    g_test_add_func("/channel-spin/shutdown/sleeping",
                    test_shutdown_sleeping);
    g_test_add_func("/channel-spin/mem-ignores", test_mem_channel_ignores);
    return g_test_run();
}
