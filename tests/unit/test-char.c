/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for chardev/: file, pipe, pty, ringbuf, mux, the legacy
 * shorthand, -chardev errors, query-chardev and help. Sockets are in
 * test-char-socket.c; shared helpers in char-test-util.h.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"

#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include "char-test-util.h"

/* ---- file ---- */

static void test_file_truncate_bytes(void)
{
    g_autofree char *path = tmp_path("file-out");
    g_autofree char *params = g_strdup_printf("file,id=f0,path=%s", path);
    g_autofree char *apath = g_strdup_printf("file,id=f1,path=%s,append=on",
                                             path);
    g_autofree gchar *data = NULL;
    uint8_t all[256];
    gsize len;
    FeState fe, fe2;
    Chardev *chr;
    int i;

    g_assert_true(g_file_set_contents(path, "old contents", -1, NULL));
    chr = chr_from_opts_ok(params);
    /* Truncated at creation, before anything is written. */
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 0);
    g_clear_pointer(&data, g_free);

    for (i = 0; i < 256; i++) {
        all[i] = i;
    }
    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, all, 256), ==, 256);
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"\r\n\n", 3),
                    ==, 3);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 259);
    g_assert_cmpint(memcmp(data, all, 256), ==, 0);
    g_assert_cmpint(memcmp(data + 256, "\r\n\n", 3), ==, 0);
    g_clear_pointer(&data, g_free);
    fe_detach(&fe);

    /* append=on keeps what is there. */
    chr = chr_from_opts_ok(apath);
    fe_attach(&fe2, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe2.be, (const uint8_t *)"X", 1),
                    ==, 1);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 260);
    g_assert_cmpint(data[259], ==, 'X');
    fe_detach(&fe2);
    end_test();
}

static void test_file_legacy_serial(void)
{
    g_autofree char *path = tmp_path("serial-out");
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autoptr(GError) err = NULL;
    g_autofree gchar *data = NULL;
    gsize len;
    FeState fe;
    Chardev *chr;

    g_assert_true(g_file_set_contents(path, "stale", -1, NULL));
    chr = qemu_chr_new("serial0", spec, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(qemu_chr_label(chr), ==, "serial0");
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 0);
    g_clear_pointer(&data, g_free);

    /* The A-B guest: exactly the bytes sent, no translation. */
    fe_attach(&fe, chr);
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"A", 1);
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"B", 1);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(memcmp(data, "AB", 2), ==, 0);
    fe_detach(&fe);
    end_test();
}

static void test_file_input(void)
{
    g_autofree char *in = tmp_path("file-in");
    g_autofree char *out = tmp_path("file-out2");
    g_autofree char *params = g_strdup_printf(
        "file,id=fi,path=%s,input-path=%s", out, in);
    FeState fe;

    g_assert_true(g_file_set_contents(in, "hello", -1, NULL));
    fe_attach(&fe, chr_from_opts_ok(params));
    wait_fe(&fe, 1, 0, 5);
    assert_rx(&fe, "hello");
    /* End of input stops the watch: the context goes idle. */
    g_assert_cmpint(drain_context(), <, 1000);
    fe_detach(&fe);

    chr_from_opts_fails("file,id=fx", "chardev: file: no filename given");
    {
        g_autofree char *bad = g_strdup_printf("file,id=fy,path=%s/no/such",
                                               tmpdir);
        g_autofree char *msg = g_strdup_printf(
            "Could not open '%s/no/such': No such file or directory", tmpdir);

        chr_from_opts_fails(bad, msg);
    }
    end_test();
}

static void test_logfile(void)
{
    g_autofree char *log = tmp_path("chr.log");
    g_autofree char *params = g_strdup_printf("null,id=l0,logfile=%s", log);
    g_autofree char *params2 = g_strdup_printf(
        "null,id=l1,logfile=%s,logappend=on", log);
    g_autofree gchar *data = NULL;
    FeState fe;

    fe_attach(&fe, chr_from_opts_ok(params));
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"one", 3);
    fe_detach(&fe);
    fe_attach(&fe, chr_from_opts_ok(params2));
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"two", 3);
    g_assert_true(g_file_get_contents(log, &data, NULL, NULL));
    g_assert_cmpstr(data, ==, "onetwo");
    fe_detach(&fe);
    end_test();
}

/* ---- pipe, pty, ringbuf ---- */

static void test_pipe(void)
{
    g_autofree char *base = tmp_path("fifo");
    g_autofree char *in = g_strdup_printf("%s.in", base);
    g_autofree char *out = g_strdup_printf("%s.out", base);
    g_autofree char *params = g_strdup_printf("pipe,id=p0,path=%s", base);
    char buf[3];
    FeState fe;
    int wr, rd;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    fe_attach(&fe, chr_from_opts_ok(params));
    wait_fe(&fe, 1, 0, 0);

    wr = open(in, O_WRONLY | O_NONBLOCK);
    g_assert_cmpint(wr, >=, 0);
    peer_write(wr, "in!");
    wait_fe(&fe, 1, 0, 3);
    assert_rx(&fe, "in!");

    /* Output is buffered in the FIFO even before a reader opens it. */
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"out", 3),
                    ==, 3);
    rd = open(out, O_RDONLY | O_NONBLOCK);
    g_assert_cmpint(rd, >=, 0);
    peer_read_exact(rd, buf, 3);
    g_assert_cmpint(memcmp(buf, "out", 3), ==, 0);
    close(wr);
    close(rd);
    fe_detach(&fe);

    /* Without .in/.out, PATH itself is used both ways. */
    {
        g_autofree char *single = tmp_path("fifo1");
        g_autofree char *p1 = g_strdup_printf("pipe,id=p1,path=%s", single);
        g_autofree char *bad = g_strdup_printf("pipe,id=p2,path=%s/none",
                                               tmpdir);
        g_autofree char *msg = g_strdup_printf(
            "Could not open '%s/none': No such file or directory", tmpdir);

        g_assert_cmpint(mkfifo(single, 0600), ==, 0);
        fe_attach(&fe, chr_from_opts_ok(p1));
        fe_detach(&fe);
        chr_from_opts_fails(bad, msg);
    }
    end_test();
}

static void test_pty(void)
{
    g_autofree char *link = tmp_path("ptylink");
    g_autofree char *params = g_strdup_printf("pty,id=pt,path=%s", link);
    g_autofree char *fname = NULL;
    g_autofree char *target = NULL;
    char buf[3];
    Chardev *chr;
    FeState fe;
    int slave;

    chr = chr_from_opts_ok(params);
    fname = qemu_chr_filename(chr);
    g_assert_true(g_str_has_prefix(fname, "pty:/dev/"));
    target = g_file_read_link(link, NULL);
    g_assert_cmpstr(target, ==, fname + 4);

    slave = open(fname + 4, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    {
        struct termios tio;

        /* Raw on our side too, so bytes pass unchanged. */
        g_assert_cmpint(tcgetattr(slave, &tio), ==, 0);
        cfmakeraw(&tio);
        g_assert_cmpint(tcsetattr(slave, TCSANOW, &tio), ==, 0);
    }
    fe_attach(&fe, chr);
    wait_fe(&fe, 1, 0, 0);
    peer_write(slave, "abc");
    wait_fe(&fe, 1, 0, 3);
    assert_rx(&fe, "abc");
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"xyz", 3),
                    ==, 3);
    peer_read_exact(slave, buf, 3);
    g_assert_cmpint(memcmp(buf, "xyz", 3), ==, 0);

    /* The slave closing is noticed; output is then discarded. */
    close(slave);
    wait_fe(&fe, 1, 1, 3);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"lost", 4),
                    ==, 4);
    fe_detach(&fe);
    end_test();
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
}

static void test_ringbuf(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree uint8_t *big = g_malloc(70000);
    uint8_t *out;
    size_t len, i;
    Chardev *chr;
    FeState fe;

    chr_from_opts_fails("ringbuf,id=r,size=3",
                        "size of ringbuf chardev must be power of two");
    chr_from_opts_fails("ringbuf,id=r,size=0",
                        "size of ringbuf chardev must be power of two");

    chr = chr_from_opts_ok("ringbuf,id=r0,size=4");
    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"abcdef", 6),
                    ==, 6);
    out = qemu_chr_ringbuf_read(chr, 10, &len, &err);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmpint(memcmp(out, "cdef", 4), ==, 0);
    g_free(out);
    out = qemu_chr_ringbuf_read(chr, 10, &len, &err);
    g_assert_cmpuint(len, ==, 0);
    g_free(out);
    g_assert_true(qemu_chr_ringbuf_write(chr, (const uint8_t *)"xyz", 3,
                                         &err));
    out = qemu_chr_ringbuf_read(chr, 2, &len, &err);
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(memcmp(out, "xy", 2), ==, 0);
    g_free(out);
    g_assert_no_error(err);
    fe_detach(&fe);

    /* Default size 64 KiB; the "memory" alias. */
    chr = chr_from_opts_ok("memory,id=r1");
    fe_attach(&fe, chr);
    for (i = 0; i < 70000; i++) {
        big[i] = (uint8_t)(i % 251);
    }
    qemu_chr_fe_write_all(&fe.be, big, 70000);
    out = qemu_chr_ringbuf_read(chr, 100000, &len, &err);
    g_assert_cmpuint(len, ==, 65536);
    g_assert_cmpint(memcmp(out, big + 70000 - 65536, 65536), ==, 0);
    g_free(out);
    fe_detach(&fe);

    chr = chr_from_opts_ok("null,id=n0");
    g_assert_null(qemu_chr_ringbuf_read(chr, 1, &len, &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n0' is not a ringbuf");
    end_test();
}

/* ---- mux ---- */

static void test_mux_fe_limit(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree uint8_t *out = NULL;
    CharBackend be[5];
    Chardev *chr, *base;
    size_t len;
    int i;

    chr = chr_from_opts_ok("ringbuf,id=m,mux=on");
    base = qemu_chr_find("m-base");
    g_assert_nonnull(base);
    for (i = 0; i < 4; i++) {
        g_assert_true(qemu_chr_fe_init(&be[i], chr, &err));
    }
    g_assert_false(qemu_chr_fe_init(&be[4], chr, &err));
    g_assert_cmpstr(err->message, ==,
                    "Too many uses of multiplexed chardev 'm'");
    g_clear_error(&err);
    qemu_chr_fe_write_all(&be[0], (const uint8_t *)"one,", 4);
    qemu_chr_fe_write_all(&be[3], (const uint8_t *)"four", 4);
    out = qemu_chr_ringbuf_read(base, 100, &len, &err);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpint(memcmp(out, "one,four", 8), ==, 0);
    /* A slot freed can be used again. */
    qemu_chr_fe_deinit(&be[1], false);
    g_assert_true(qemu_chr_fe_init(&be[4], chr, &err));
    g_assert_false(qemu_chr_delete("m", &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'm' is busy");
    g_clear_error(&err);
    g_assert_false(qemu_chr_delete("m-base", &err));
    g_clear_error(&err);
    end_test();
    g_assert_null(qemu_chr_find("m"));
    g_assert_null(qemu_chr_find("m-base"));
    for (i = 0; i < 5; i++) {
        if (i != 1) {
            /* Cleanup detached them: writes are discarded, not crashes. */
            g_assert_null(be[i].chr);
            g_assert_cmpint(qemu_chr_fe_write(&be[i], (const uint8_t *)"x",
                                              1), ==, 1);
        }
    }
}

static void test_mux_focus(void)
{
    g_autofree char *path = tmp_path("mux.sock");
    g_autofree char *spec = g_strdup_printf("mon:unix:%s,server=on,wait=off",
                                            path);
    g_autoptr(GError) err = NULL;
    g_autofree char *f1 = NULL;
    g_autofree char *f2 = NULL;
    FeState a, b;
    Chardev *chr;
    char buf[4];
    int peer;

    g_assert_true(qemu_chr_spec_is_mon(spec));
    chr = qemu_chr_new("mx", spec, &err);
    g_assert_no_error(err);
    fe_attach(&a, chr);
    fe_attach(&b, chr);         /* the last to set handlers has focus */
    peer = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&a, 1, 0, 0);
    wait_fe(&b, 1, 0, 0);

    peer_write(peer, "b1");
    wait_fe(&b, 1, 0, 2);
    peer_write(peer, "\001ca1");
    wait_fe(&a, 1, 0, 2);
    assert_rx(&a, "a1");
    peer_write(peer, "\001\001");
    wait_fe(&a, 1, 0, 3);
    g_assert_cmpint(a.rx->data[2], ==, 1);
    assert_rx(&b, "b1");

    qemu_chr_fe_write_all(&a.be, (const uint8_t *)"AA", 2);
    qemu_chr_fe_write_all(&b.be, (const uint8_t *)"BB", 2);
    peer_read_exact(peer, buf, 4);
    g_assert_cmpint(memcmp(buf, "AABB", 4), ==, 0);

    f1 = qemu_chr_filename(chr);
    f2 = qemu_chr_filename(qemu_chr_find("mx-base"));
    g_assert_cmpstr(f1, ==, f2);

    close(peer);
    wait_fe(&a, 1, 1, 3);
    wait_fe(&b, 1, 1, 2);
    fe_detach(&a);
    fe_detach(&b);
    end_test();
}

/* ---- options, legacy specs, registry ---- */

static int append_opt(void *opaque, const char *name, const char *value,
                      GError **errp)
{
    g_string_append_printf(opaque, "%s=%s;", name, value);
    return 0;
}

static void test_legacy_specs(void)
{
    static const struct {
        const char *spec;
        const char *opts;
    } cases[] = {
        { "null", "backend=null;" },
        { "stdio", "backend=stdio;" },
        { "pty", "backend=pty;" },
        { "file:/tmp/a,b", "backend=file;path=/tmp/a,b;" },
        { "pipe:/x/y", "backend=pipe;path=/x/y;" },
        { "unix:/tmp/s", "backend=socket;path=/tmp/s;" },
        { "unix:/tmp/s,server=on,wait=off",
          "backend=socket;path=/tmp/s;server=on;wait=off;" },
        { "unix:/tmp/s,,x", "backend=socket;path=/tmp/s,x;" },
        { "tcp::4444,server=on,wait=off",
          "backend=socket;host=;port=4444;server=on;wait=off;" },
        { "tcp:127.0.0.1:5555,nodelay=on",
          "backend=socket;host=127.0.0.1;port=5555;nodelay=on;" },
        { "tcp:[::1]:7", "backend=socket;host=::1;port=7;" },
        { "telnet:localhost:23,server=on",
          "backend=socket;host=localhost;port=23;server=on;telnet=on;" },
        /* As QEMU: Ctrl-C goes to the guest when a monitor shares stdio. */
        { "mon:stdio", "backend=stdio;mux=on;signal=off;" },
        { "mon:unix:/q,server=on",
          "backend=socket;path=/q;server=on;mux=on;" },
        { "/dev/ttyS0", "backend=serial;path=/dev/ttyS0;" },
    };
    static const struct {
        const char *spec;
        const char *message;
    } bad[] = {
        { "bogus", "'bogus' is not a valid char driver" },
        { "vc", "'vc' is not a valid char driver" },
        { "mon:bogus", "'bogus' is not a valid char driver" },
        { "unix:/p,bad=1", "Invalid parameter 'bad'" },
        { "unix:/p,server=maybe", "Parameter 'server' expects 'on' or 'off'" },
        { "tcp:nohostport", "address 'nohostport' has no port" },
        { "tcp:host:", "address 'host:' has no port" },
    };
    g_autoptr(GError) err = NULL;
    Chardev *chr;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QemuOpts *opts = qemu_chr_parse_compat("leg", cases[i].spec, &err);
        g_autoptr(GString) s = g_string_new(NULL);

        g_test_message("spec '%s'", cases[i].spec);
        g_assert_no_error(err);
        g_assert_cmpstr(qemu_opts_id(opts), ==, "leg");
        qemu_opt_foreach(opts, append_opt, s, NULL);
        g_assert_cmpstr(s->str, ==, cases[i].opts);
        qemu_opts_del(opts);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_test_message("spec '%s'", bad[i].spec);
        g_assert_null(qemu_chr_parse_compat("leg", bad[i].spec, &err));
        g_assert_cmpstr(err->message, ==, bad[i].message);
        g_clear_error(&err);
        g_assert_null(qemu_opts_find(&qemu_chardev_opts, "leg"));
        g_assert_null(qemu_chr_new("leg", bad[i].spec, &err));
        g_assert_cmpstr(err->message, ==, bad[i].message);
        g_clear_error(&err);
    }
    g_assert_false(qemu_chr_spec_is_mon("stdio"));

    /* chardev:ID refers to an existing chardev. */
    g_assert_null(qemu_chr_new("x", "chardev:nope", &err));
    g_assert_cmpstr(err->message, ==, "chardev 'nope' not found");
    g_clear_error(&err);
    chr = chr_from_opts_ok("null,id=exist");
    g_assert_true(qemu_chr_new("y", "chardev:exist", &err) == chr);
    g_assert_null(qemu_chr_find("y"));

    /* Unsupported socket features are named. */
    g_assert_null(qemu_chr_new("t", "websocket::0,server=on,wait=off",
                               &err));
    g_assert_cmpstr(err->message, ==,
                    "socket chardev option 'websocket' is not supported");
    g_clear_error(&err);
    end_test();
}

static void test_legacy_short_form_subprocess(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_chr_parse_compat("qmp0", "unix:/tmp/q,server,nowait",
                                           &err);

    g_assert_no_error(err);
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    qemu_opts_del(opts);
}

static void test_legacy_short_form(void)
{
    g_test_trap_subprocess("/char/legacy/short-form/subprocess", 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr(
        "*warning: short-form boolean option 'server' deprecated\n"
        "Please use server=on instead\n"
        "*warning: short-form boolean option 'nowait' deprecated\n"
        "Please use wait=off instead\n");
}

static void test_chardev_errors(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *path = tmp_path("e.sock");
    g_autofree char *p1 = g_strdup_printf("socket,id=s1,path=%s,host=h",
                                          path);
    g_autofree char *p2 = g_strdup_printf("socket,id=s2,path=%s,wait=off",
                                          path);
    g_autofree char *p3 = g_strdup_printf(
        "socket,id=s3,path=%s,server=on,reconnect-ms=5", path);
    QemuOpts *opts;

    chr_from_opts_fails("x,id=a", "'x' is not a valid char driver name");
    chr_from_opts_fails("null", "Parameter 'id' is missing");
    chr_from_opts_fails("id=nob", "Parameter 'backend' is missing");
    chr_from_opts_fails("null,id=a,foo=1", "Invalid parameter 'foo'");
    chr_from_opts_fails("socket,id=s0,port=1", "chardev: socket: no host "
                        "given");
    chr_from_opts_fails("socket,id=s0,host=localhost",
                        "chardev: socket: no port given");
    chr_from_opts_fails(p1, "chardev: socket: 'path' cannot be combined with "
                        "'host' or 'port'");
    chr_from_opts_fails(p2, "'wait' option is incompatible with socket in "
                        "client connect mode");
    chr_from_opts_fails(p3, "'reconnect-ms' option is incompatible with "
                        "'server' option");

    /* Duplicate ids: caught by the option list and by the registry. */
    opts = qemu_opts_parse(&qemu_chardev_opts, "null,id=d", true, &err);
    g_assert_nonnull(opts);
    g_assert_nonnull(qemu_chr_new_from_opts(opts, &err));
    g_assert_null(qemu_opts_parse(&qemu_chardev_opts, "null,id=d", true,
                                  &err));
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'd' for chardev");
    g_clear_error(&err);
    qemu_opts_del(opts);
    chr_from_opts_fails("file,id=d,path=/dev/null",
                        "Duplicate ID 'd' for chardev");
    g_assert_null(qemu_chr_new("d", "null", &err));
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'd' for chardev");
    g_clear_error(&err);

    /* At most one stdio chardev. */
    g_assert_nonnull(chr_from_opts_ok("stdio,id=io0,signal=off"));
    chr_from_opts_fails("stdio,id=io1",
                        "cannot use stdio by multiple character devices");
    end_test();
    /* Cleanup released stdio again. */
    g_assert_nonnull(chr_from_opts_ok("stdio,id=io2"));
    end_test();
}

static void test_fe_busy_delete(void)
{
    g_autoptr(GError) err = NULL;
    CharBackend b1, b2;
    Chardev *chr = chr_from_opts_ok("null,id=n");

    g_assert_true(qemu_chr_fe_init(&b1, chr, &err));
    g_assert_true(qemu_chr_fe_backend_connected(&b1));
    g_assert_true(qemu_chr_fe_get_chr(&b1) == chr);
    g_assert_false(qemu_chr_fe_init(&b2, chr, &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n' is busy");
    g_clear_error(&err);
    g_assert_false(qemu_chr_delete("n", &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n' is busy");
    g_clear_error(&err);
    qemu_chr_fe_deinit(&b1, false);
    g_assert_false(qemu_chr_fe_backend_connected(&b1));
    g_assert_true(qemu_chr_fe_init(&b2, chr, &err));
    qemu_chr_fe_deinit(&b2, true);
    g_assert_null(qemu_chr_find("n"));
    g_assert_false(qemu_chr_delete("n", &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n' not found");
    g_clear_error(&err);

    /* A front end without backend: writes vanish, nothing breaks. */
    g_assert_true(qemu_chr_fe_init(&b1, NULL, &err));
    g_assert_cmpint(qemu_chr_fe_write_all(&b1, (const uint8_t *)"x", 1), ==,
                    1);
    g_assert_false(qemu_chr_fe_backend_open(&b1));
    qemu_chr_fe_set_handlers(&b1, NULL, NULL, NULL, NULL, NULL);
    qemu_chr_fe_deinit(&b1, false);
    end_test();
}

static void test_query_chardev(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevInfoList) list = NULL;
    ChardevInfoList *l;
    CharBackend be;
    int seen = 0;

    chr_from_opts_ok("null,id=q0");
    g_assert_true(qemu_chr_fe_init(&be, chr_from_opts_ok("ringbuf,id=q1"),
                                   &err));
    qemu_chr_fe_set_handlers(&be, NULL, NULL, NULL, &be, NULL);
    list = qmp_query_chardev(&err);
    g_assert_no_error(err);
    for (l = list; l; l = l->next) {
        if (!strcmp(l->value->label, "q0")) {
            g_assert_cmpstr(l->value->filename, ==, "null");
            g_assert_false(l->value->frontend_open);
            g_assert_cmpint(seen, ==, 0);   /* creation order */
            seen |= 1;
        } else if (!strcmp(l->value->label, "q1")) {
            g_assert_cmpstr(l->value->filename, ==, "ringbuf");
            g_assert_true(l->value->frontend_open);
            seen |= 2;
        }
    }
    g_assert_cmpint(seen, ==, 3);
    qemu_chr_fe_deinit(&be, false);
    end_test();
}

static void test_help(void)
{
    if (g_test_subprocess()) {
        qemu_chr_print_help();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("Available chardev backend types:\n*socket\n*");
}

int main(int argc, char **argv)
{
    char_test_init(&argc, &argv);
    g_test_add_func("/char/file/truncate-bytes", test_file_truncate_bytes);
    g_test_add_func("/char/file/legacy-serial", test_file_legacy_serial);
    g_test_add_func("/char/file/input", test_file_input);
    g_test_add_func("/char/logfile", test_logfile);
    g_test_add_func("/char/pipe", test_pipe);
    g_test_add_func("/char/pty", test_pty);
    g_test_add_func("/char/ringbuf", test_ringbuf);
    g_test_add_func("/char/mux/fe-limit", test_mux_fe_limit);
    g_test_add_func("/char/mux/focus", test_mux_focus);
    g_test_add_func("/char/legacy/specs", test_legacy_specs);
    g_test_add_func("/char/legacy/short-form", test_legacy_short_form);
    g_test_add_func("/char/legacy/short-form/subprocess",
                    test_legacy_short_form_subprocess);
    g_test_add_func("/char/errors", test_chardev_errors);
    g_test_add_func("/char/fe-busy-delete", test_fe_busy_delete);
    g_test_add_func("/char/query-chardev", test_query_chardev);
    g_test_add_func("/char/help", test_help);
    return char_test_run();
}
