/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor on the real binary: commands through QMP's
 * human-monitor-command (output formats, the QMP functions they call,
 * argument errors), an interactive monitor on a socket (banner, prompt,
 * echo, completion, history), and -nographic under a pseudo-terminal
 * (Ctrl-A h / b / t / c / x, HMP after Ctrl-A c, Ctrl-C reaching the guest side).
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "libqtest.h"

#define WAIT_MS 20000

static QTestState *start(const char *extra)
{
    return qtest_initf("-M virt -S %s", extra ? extra : "");
}

static void assert_hmp(QTestState *qts, const char *cmd, const char *expect)
{
    g_autofree char *out = qtest_hmp(qts, "%s", cmd);

    g_assert_cmpstr(out, ==, expect);
}

static void assert_hmp_contains(QTestState *qts, const char *cmd,
                                const char *needle)
{
    g_autofree char *out = qtest_hmp(qts, "%s", cmd);

    if (!strstr(out, needle)) {
        g_error("'%s' printed '%s', without '%s'", cmd, out, needle);
    }
}

static void test_info(void)
{
    QTestState *qts = start("-name hmpvm");
    g_autofree char *ver = NULL;
    JsonObject *rsp;

    assert_hmp(qts, "info status", "VM status: paused (prelaunch)\r\n");
    assert_hmp(qts, "info name", "hmpvm\r\n");
    rsp = qtest_qmp(qts, "{'execute': 'query-version'}");
    {
        JsonObject *q = json_object_get_object_member(
            json_object_get_object_member(rsp, "return"), "qemu");

        ver = g_strdup_printf("%" PRId64 ".%" PRId64 ".%" PRId64 "\r\n",
                              json_object_get_int_member(q, "major"),
                              json_object_get_int_member(q, "minor"),
                              json_object_get_int_member(q, "micro"));
    }
    json_object_unref(rsp);
    assert_hmp(qts, "info version", ver);
    assert_hmp_contains(qts, "info chardev", "serial0: filename=null\r\n");
    assert_hmp_contains(qts, "info cpus", "* CPU #0: thread_id=");
    assert_hmp_contains(qts, "info registers", "PC=000000 ");
    assert_hmp_contains(qts, "info mtree",
                        "address-space: memory\r\n"
                        "  0000000000000000-ffffffffffffffff (prio 0, i/o): "
                        "system\r\n");
    assert_hmp_contains(qts, "info mtree", "(prio 0, ram): cr16.ram\r\n");
    assert_hmp_contains(qts, "info qtree", "  dev: cr16-uart, id \"\"\r\n");
    assert_hmp(qts, "info migrate", "");
    /* Aliases, help, errors. */
    assert_hmp(qts, "i status", "VM status: paused (prelaunch)\r\n");
    assert_hmp(qts, "info nosuch", "unknown command: 'info nosuch'\r\n");
    assert_hmp(qts, "nosuch 1 2", "unknown command: 'nosuch'\r\n");
    assert_hmp(qts, "help cont", "cont|c  -- resume emulation\r\n");
    assert_hmp(qts, "help info status",
               "info status  -- show the current VM status "
               "(running|paused)\r\n");
    assert_hmp_contains(qts, "help", "xp /fmt addr -- physical memory dump "
                        "starting at 'addr'\r\n");
    assert_hmp_contains(qts, "info", "info migrate_parameters  -- ");
    /* QEMU names the command with its aliases here. */
    assert_hmp(qts, "stop extra", "stop|s: extraneous characters at the end "
               "of line\r\n");
    assert_hmp(qts, "migrate", "migrate: string expected\r\n");
    assert_hmp(qts, "migrate -z tcp:1:1", "migrate: unsupported option -z\r\n");
    assert_hmp(qts, "", "");
    qtest_quit(qts);
}

static void test_run_control(void)
{
    QTestState *qts = start(NULL);

    assert_hmp(qts, "cont", "");
    assert_hmp(qts, "info status", "VM status: running\r\n");
    assert_hmp(qts, "s", "");
    assert_hmp(qts, "info status", "VM status: paused\r\n");
    assert_hmp(qts, "system_reset", "");
    qtest_qmp_eventwait(qts, "RESET");
    assert_hmp(qts, "q", "");
    qtest_wait_qemu(qts);
    qtest_quit(qts);
}

static void test_memory_dump(void)
{
    QTestState *qts = start(NULL);
    static const uint8_t bytes[] = { 'h', 'i', '\n', 0xff, 0x34, 0x12,
                                     0x78, 0x56 };

    qtest_memwrite(qts, 0x1000, bytes, sizeof(bytes));
    assert_hmp(qts, "xp/2xw 0x1000",
               "0000000000001000: 0xff0a6968 0x56781234\r\n");
    /* The CPU's view of low RAM is the same memory. */
    assert_hmp(qts, "x/2xw 0x1000", "00001000: 0xff0a6968 0x56781234\r\n");
    assert_hmp(qts, "xp/4xh 0x1000",
               "0000000000001000: 0x6968 0xff0a 0x1234 0x5678\r\n");
    assert_hmp(qts, "xp/4c 0x1000",
               "0000000000001000: 'h' 'i' '\\n' '\\xff'\r\n");
    assert_hmp(qts, "xp/2db 0x1002",
               "0000000000001002:  10  -1\r\n");
    assert_hmp(qts, "xp/1ub 0x1003", "0000000000001003: 255\r\n");
    assert_hmp(qts, "xp/1ob 0x1002", "0000000000001002: 012\r\n");
    assert_hmp(qts, "xp/1xg 0x1000",
               "0000000000001000: 0x56781234ff0a6968\r\n");
    /* Expressions: arithmetic and registers ($pc is 0 in reset). */
    assert_hmp(qts, "xp/1xh 0x800*2+4", "0000000000001004: 0x1234\r\n");
    assert_hmp(qts, "xp/1xh $pc+0x1006", "0000000000001006: 0x5678\r\n");
    assert_hmp(qts, "xp/1xh $nosuch", "unknown register\r\n");
    assert_hmp(qts, "xp/1xh 1/0", "division by zero\r\n");
    assert_hmp(qts, "xp/1q 0", "invalid char in format: 'q'\r\n");
    /* 16 bytes a line, 8 for bytes. */
    assert_hmp(qts, "xp/9xb 0x1000",
               "0000000000001000: 0x68 0x69 0x0a 0xff 0x34 0x12 0x78 0x56\r\n"
               "0000000000001008: 0x00\r\n");
    /* /i disassembles with the CR16 disassembler, one line each. */
    {
        g_autofree char *out = qtest_hmp(qts, "x/3i 0x1000");
        g_auto(GStrv) lines = g_strsplit(out, "\r\n", -1);

        g_assert_cmpuint(g_strv_length(lines), ==, 4);
        g_assert_true(g_str_has_prefix(lines[0], "0x00001000:  "));
        g_assert_true(g_str_has_prefix(lines[1], "0x0000100"));
    }
    qtest_quit(qts);
}

static void test_migration_cmds(void)
{
    QTestState *qts = start(NULL);
    JsonObject *rsp;

    assert_hmp(qts, "migrate_set_capability xbzrle on", "");
    assert_hmp_contains(qts, "info migrate_capabilities", "xbzrle: on\r\n");
    assert_hmp(qts, "migrate_set_capability nosuch on",
               "Error: invalid parameter value: nosuch\r\n");
    assert_hmp(qts, "migrate_set_capability xbzrle maybe",
               "Expected 'on' or 'off'\r\n");
    /* Bandwidth counts in MiB without a suffix, as in QEMU. */
    assert_hmp(qts, "migrate_set_parameter max-bandwidth 10", "");
    assert_hmp(qts, "migrate_set_parameter downtime-limit 1234", "");
    assert_hmp_contains(qts, "info migrate_parameters",
                        "max-bandwidth: 10485760 bytes/second\r\n");
    assert_hmp_contains(qts, "info migrate_parameters",
                        "downtime-limit: 1234 ms\r\n");
    /* The QMP side sees the same settings: no second implementation. */
    rsp = qtest_qmp(qts, "{'execute': 'query-migrate-parameters'}");
    g_assert_cmpint(json_object_get_int_member(
        json_object_get_object_member(rsp, "return"), "downtime-limit"),
        ==, 1234);
    json_object_unref(rsp);
    assert_hmp(qts, "migrate_set_parameter max-bandwidth lots",
               "Error: Invalid size lots\r\n");
    assert_hmp(qts, "migrate_set_parameter nosuch 1",
               "Error: invalid parameter value: nosuch\r\n");
    assert_hmp_contains(qts, "migrate_set_parameter multifd-compression bogus",
                        "Error: ");
    assert_hmp(qts, "migrate_continue nosuch",
               "Error: invalid parameter value: nosuch\r\n");
    assert_hmp_contains(qts, "migrate_pause", "Error: ");
    assert_hmp_contains(qts, "migrate_incoming tcp:127.0.0.1:0", "Error: ");
    /* A synchronous migrate is impossible here: QEMU's message. */
    assert_hmp(qts, "migrate exec:cat>/dev/null",
               "terminal does not allow synchronous migration, "
               "continuing detached\r\n");
    /* It went ahead detached; info migrate reports it in QEMU's layout. */
    {
        gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
        g_autofree char *out = NULL;

        for (;;) {
            g_free(out);
            out = qtest_hmp(qts, "info migrate");
            if (strstr(out, "Status: \t\tcompleted\r\n") ||
                g_get_monotonic_time() > deadline) {
                break;
            }
            g_usleep(20 * 1000);
        }
        g_assert_nonnull(strstr(out, "Status: \t\tcompleted\r\n"));
        g_assert_nonnull(strstr(out, "RAM info:\r\n"));
        g_assert_nonnull(strstr(out, "  Sizes: \t\tpagesize=4 KiB, "));
    }
    qtest_quit(qts);
}

/* ---- interactive monitors ---- */

/* Read from fd until needle has been seen (accumulating in buf). */
static void read_until(int fd, GString *buf, const char *needle)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;

    while (!strstr(buf->str, needle)) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char tmp[512];
        ssize_t n;
        int left = (deadline - g_get_monotonic_time()) / 1000;

        if (left <= 0) {
            g_error("timed out waiting for '%s'; got '%s'", needle, buf->str);
        }
        if (poll(&pfd, 1, left) <= 0) {
            continue;
        }
        n = read(fd, tmp, sizeof(tmp));
        if (n <= 0) {
            g_error("EOF waiting for '%s'; got '%s'", needle, buf->str);
        }
        g_string_append_len(buf, tmp, n);
    }
}

static void send_str(int fd, const char *s)
{
    g_assert_cmpint(write(fd, s, strlen(s)), ==, strlen(s));
}

static void test_socket_monitor(void)
{
    g_autofree char *dir = g_dir_make_tmp("hmp-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "hmp.sock", NULL);
    g_autofree char *args = g_strdup_printf(
        "-chardev socket,id=h,path=%s,server=on,wait=off "
        "-mon chardev=h,mode=readline", path);
    QTestState *qts = start(args);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_autoptr(GString) buf = g_string_new(NULL);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    read_until(fd, buf, "monitor - type 'help' for more information\r\n"
               "(qemu) ");
    g_assert_true(g_str_has_prefix(buf->str, "QEMU "));
    /* Echo, output, prompt again. */
    g_string_truncate(buf, 0);
    send_str(fd, "info status\r");
    read_until(fd, buf, "info status\r\nVM status: paused (prelaunch)\r\n"
               "(qemu) ");
    /* Tab completes the command and the info item. */
    g_string_truncate(buf, 0);
    send_str(fd, "inf\tna\t\r");
    read_until(fd, buf, "info name \r\n(qemu) ");
    /* History: Up brings "info name" back. */
    g_string_truncate(buf, 0);
    send_str(fd, "\033[A\033[A\r");
    read_until(fd, buf, "VM status: paused (prelaunch)\r\n(qemu) ");
    /* The monitor's commands act: cont runs the VM. */
    send_str(fd, "cont\r");
    g_string_truncate(buf, 0);
    send_str(fd, "info status\r");
    read_until(fd, buf, "VM status: running\r\n(qemu) ");
    /* migrate without -d: the prompt comes back once it has finished. */
    g_string_truncate(buf, 0);
    send_str(fd, "migrate exec:cat>/dev/null\r");
    read_until(fd, buf, "migrate exec:cat>/dev/null\r\n(qemu) ");
    g_string_truncate(buf, 0);
    send_str(fd, "info migrate\r");
    read_until(fd, buf, "(qemu) ");
    g_assert_nonnull(strstr(buf->str, "Status: \t\tcompleted\r\n"));
    /* quit: no prompt after it, the connection just ends. */
    g_string_truncate(buf, 0);
    send_str(fd, "quit\r");
    for (;;) {
        char tmp[256];
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, WAIT_MS), ==, 1);
        n = read(fd, tmp, sizeof(tmp));
        if (n <= 0) {
            break;
        }
        g_string_append_len(buf, tmp, n);
    }
    g_assert_cmpstr(buf->str, ==, "quit\r\n");
    close(fd);
    qtest_wait_qemu(qts);
    qtest_quit(qts);
    rmdir(dir);
}

/* -nographic in a pseudo-terminal, as a user runs it. */
static void test_nographic(void)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autoptr(GString) buf = g_string_new(NULL);
    int master, status;
    pid_t pid;

    g_assert_nonnull(qemu);
    pid = forkpty(&master, NULL, NULL, NULL);
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        execl(qemu, qemu, "-M", "virt", "-nographic", "-S",
              "-trace", "cr16_uart_break", NULL);
        _exit(127);
    }
    /*
     * The serial port has the focus: the monitor stays quiet. The help
     * is QEMU 7.2's byte for byte (LF CR endings; the pty turns each LF
     * into CR LF).
     */
    send_str(master, "\001h");
    read_until(master, buf, "C-a C-a  sends C-a\r\n\r");
    g_assert_true(g_str_has_suffix(buf->str,
                    "\r\n\r"
                    "C-a h    print this help\r\n\r"
                    "C-a x    exit emulator\r\n\r"
                    "C-a s    save disk data back to file (if -snapshot)\r\n\r"
                    "C-a t    toggle console timestamps\r\n\r"
                    "C-a b    send break (magic sysrq)\r\n\r"
                    "C-a c    switch between console and monitor\r\n\r"
                    "C-a C-a  sends C-a\r\n\r"));
    /* A break reaches the focused front end, the UART. */
    g_string_truncate(buf, 0);
    send_str(master, "\001b");
    read_until(master, buf, "cr16_uart_break break received");
    /* Timestamps on: the monitor's first lines are stamped from 0. */
    g_string_truncate(buf, 0);
    send_str(master, "\001t\001c");
    read_until(master, buf, "monitor - type 'help' for more information");
    read_until(master, buf, "(qemu) ");
    g_assert_nonnull(strstr(buf->str, "\n[00:00:00."));
    /* ... and off again: no more stamps. */
    send_str(master, "\001t");
    g_string_truncate(buf, 0);
    send_str(master, "info name\r");
    read_until(master, buf, "(qemu) ");
    g_assert_null(strstr(buf->str, "[00:"));
    g_string_truncate(buf, 0);
    send_str(master, "info chardev\r");
    read_until(master, buf, "(qemu) ");
    /* Ctrl-C would have killed us with signal=on. */
    g_assert_nonnull(strstr(buf->str, "serial0: filename=stdio"));
    send_str(master, "\003");
    g_string_truncate(buf, 0);
    send_str(master, "info status\r");
    read_until(master, buf, "VM status: paused (prelaunch)");
    /* Back to the serial port, then quit from the keyboard. */
    send_str(master, "\001c\001x");
    read_until(master, buf, "QEMU: Terminated");
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    close(master);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/hmp/info", test_info);
    qtest_add_func("/hmp/run-control", test_run_control);
    qtest_add_func("/hmp/memory-dump", test_memory_dump);
    qtest_add_func("/hmp/migration", test_migration_cmds);
    qtest_add_func("/hmp/socket-monitor", test_socket_monitor);
    qtest_add_func("/hmp/nographic", test_nographic);
    return g_test_run();
}
