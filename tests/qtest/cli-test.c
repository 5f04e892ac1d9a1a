/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli-test: qemu-system-cr16's command line against spec/cli.md -- help
 * and version output, the documented error messages with exit status 1
 * for bad input, and that every documented option syntax is accepted (the
 * emulator is started with a QMP monitor, then told to quit). What the
 * accepted options then do is cli-run-test's.
 */
#include "qemu/osdep.h"

#include <sys/wait.h>

#include "cli-harness.h"

/* ------------------------------------------------------------------ */
/* Help and version                                                      */
/* ------------------------------------------------------------------ */

static void test_version(void)
{
    CliProc *p = cli_run("-version");
    g_auto(GStrv) lines = g_strsplit(p->out->str, "\n", -1);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(g_str_has_prefix(lines[0],
                                   "QEMU emulator version " QEMU_VERSION));
    g_assert_nonnull(lines[1]);
    g_assert_nonnull(strstr(lines[1], "Copyright"));
    g_assert_cmpstr(p->err->str, ==, "");
    cli_proc_free(p);
}

static void test_help(const void *opaque)
{
    CliProc *p = cli_run(opaque);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(g_str_has_prefix(p->out->str, "QEMU emulator version "));
    g_assert_nonnull(strstr(p->out->str, "\n-machine"));
    g_assert_nonnull(strstr(p->out->str, "\n-accel"));
    /* -qtest is internal. */
    g_assert_null(strstr(p->out->str, "\n-qtest"));
    cli_proc_free(p);
}

static void test_machine_help(const void *opaque)
{
    CliProc *p = cli_run(opaque);
    g_autoptr(GRegex) none = g_regex_new("^none {17}\\S", G_REGEX_MULTILINE,
                                         0, NULL);
    g_autoptr(GRegex) virt = g_regex_new("^virt {17}\\S", G_REGEX_MULTILINE,
                                         0, NULL);
    CliProc *probe;

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(g_str_has_prefix(p->out->str, "Supported machines are:\n"));
    g_assert_true(g_regex_match(none, p->out->str, 0, NULL));

    /* virt is listed exactly when it can be selected. */
    probe = cli_run("-M virt,help");
    g_assert_cmpint(g_regex_match(virt, p->out->str, 0, NULL), ==,
                    WEXITSTATUS(probe->wstatus) == 0);
    cli_proc_free(probe);
    cli_proc_free(p);
}

/* "<option> help" listings: exit 0 and the listed words on stdout. */
typedef struct CliHelpCase {
    const char *args;
    const char *words[4];
} CliHelpCase;

static const CliHelpCase help_cases[] = {
    { "-accel help", { "tcg", "qtest" } },
    { "-accel ?", { "tcg", "qtest" } },
    { "-chardev help", { "socket", "null", "file", "ringbuf" } },
    { "-object help", { "memory-backend-ram", "memory-backend-file",
                        "qtest" } },
    { "-object memory-backend-ram,help", { "size", "share" } },
    { "-display help", { "none" } },
    { "-audio help", { "none" } },
    { "-machine none,help", { NULL } },
};

static void test_help_listing(const void *opaque)
{
    const CliHelpCase *c = opaque;
    CliProc *p = cli_run(c->args);
    g_autoptr(GRegex) re = NULL;
    int i;

    if (WEXITSTATUS(p->wstatus) != 0) {
        cli_fail(p, "'%s' exited with %d", c->args, WEXITSTATUS(p->wstatus));
    }
    for (i = 0; i < (int)ARRAY_SIZE(c->words) && c->words[i]; i++) {
        g_autofree char *pat = g_strdup_printf("(^|\\W)%s(\\W|$)",
                                               c->words[i]);

        if (!g_regex_match_simple(pat, p->out->str, G_REGEX_MULTILINE, 0)) {
            cli_fail(p, "'%s' does not list '%s'", c->args, c->words[i]);
        }
    }
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Errors                                                                */
/* ------------------------------------------------------------------ */

typedef struct CliErrorCase {
    const char *name;
    const char *args;
    const char *expect[3];      /* see cli_has_line() */
} CliErrorCase;

static const CliErrorCase error_cases[] = {
    { "invalid-option", "-foo", { "=-foo: invalid option" } },
    { "missing-argument", "-m", { "=-m: requires an argument" } },
    { "m-foo", "-M none -m foo", {
        "=-m foo: Parameter 'size' expects a non-negative number below 2^64"
    } },
    { "m-size-empty", "-M none -m size=", {
        "=-m size=: missing 'size' option value"
    } },
    { "m-comma", "-M none -m ,", {
        "=-m ,: missing 'size' option value"
    } },
    { "m-size-empty-slots", "-M none -m size=,slots=1", {
        "=-m size=,slots=1: missing 'size' option value"
    } },
    { "m-hex-suffix", "-M none -m 0x20M", {
        "=-m 0x20M: Parameter 'size' expects a non-negative number below "
        "2^64"
    } },
    { "smp-2", "-M none -smp 2", {
        "~Invalid SMP CPUs 2. The max CPUs supported by machine 'none' is 1"
    } },
    { "machine-bogus", "-machine bogus", {
        "~unsupported machine type: \"bogus\"",
        "#Use -machine help to list supported machines"
    } },
    { "machine-bad-property", "-machine none,bogus=1", {
        "~Property 'none-machine.bogus' not found"
    } },
    { "accel-bogus", "-M none -accel bogus", {
        "~invalid accelerator bogus", "~no accelerator found"
    } },
    { "accel-kvm-alone", "-M none -accel kvm", {
        "~invalid accelerator kvm", "~no accelerator found"
    } },
    { "accel-bad-property", "-M none -accel tcg,foo=1", {
        "~Property 'tcg-accel.foo' not found"
    } },
    { "accel-and-machine-accel", "-M none,accel=tcg -accel tcg", {
        "~The -accel and \"-machine accel=\" options are incompatible"
    } },
    { "chardev-no-id", "-M none -chardev null", {
        "~Parameter 'id' is missing"
    } },
    { "chardev-duplicate", "-M none -chardev null,id=c0 -chardev null,id=c0", {
        "~Duplicate ID 'c0' for chardev"
    } },
    { "chardev-client-missing", "-M none "
      "-chardev socket,path=/nonexistent-cli-test/sock,id=c", {
        "=-chardev socket,path=/nonexistent-cli-test/sock,id=c: Failed to "
        "connect to '/nonexistent-cli-test/sock': No such file or directory"
    } },
    { "chardev-bad-backend", "-M none -chardev bogus,id=c", {
        "~'bogus' is not a valid char driver name"
    } },
    { "chardev-bad-bool", "-M none -chardev socket,id=c,path=@/s,server=maybe", {
        "~Parameter 'server' expects 'on' or 'off'"
    } },
    { "uuid-bad", "-M none -uuid bad", {
        "~failed to parse UUID string: wrong format"
    } },
    { "uuid-short", "-M none -uuid 1111111-1111-1111-1111-111111111111", {
        "~failed to parse UUID string: wrong format"
    } },
    { "mon-unknown-chardev", "-M none -mon chardev=nochr,mode=control", {
        "~chardev \"nochr\" not found"
    } },
    { "mon-pretty-hmp", "-M none -chardev null,id=c0 -mon chardev=c0,pretty=on", {
        "~'pretty' is not compatible with HMP monitors"
    } },
    { "serial-bad", "-M none -serial bogus", {
        "~'bogus' is not a valid char driver",
        "~could not connect serial device to character backend 'bogus'"
    } },
    { "append-without-kernel", "-M none -append foo", {
        "~-append only allowed with -kernel option"
    } },
    { "initrd-without-kernel", "-M none -initrd foo", {
        "~-initrd only allowed with -kernel option"
    } },
    { "global-missing-parts",
      "-M none -global driver=migration,property=x-events", {
        "~options 'driver', 'property', and 'value' are required"
    } },
    { "object-no-type", "-M none -object id=x", {
        "~Parameter 'qom-type' is missing"
    } },
    { "object-no-id", "-M none -object memory-backend-ram,size=1M", {
        "~Parameter 'id' is missing"
    } },
    { "object-bad-type", "-M none -object bogus-type,id=x", {
        "~Parameter 'qom-type' does not accept value 'bogus-type'"
    } },
    { "object-bad-property",
      "-M none -object memory-backend-ram,id=m,size=1M,foo=1", {
        "~Invalid parameter 'foo'"
    } },
    { "object-duplicate", "-M none -object memory-backend-ram,id=m,size=1M "
      "-object memory-backend-ram,id=m,size=1M", {
        "~attempt to add duplicate property 'm' to object (type 'container')"
    } },
    { "incoming-bad", "-M none -incoming foo", {
        "=-incoming foo: unknown migration protocol: foo"
    } },
    { "incoming-bad-offset", "-M none -incoming file:/x,offset=0x20M", {
        "=-incoming file:/x,offset=0x20M: file URI has bad offset 0x20M: "
        "Invalid argument"
    } },
    { "name-bad-key", "-M none -name foo=bar", {
        "~Invalid parameter 'foo'"
    } },
    { "qtest-bad-spec", "-M none -qtest bogus:x", {
        "~Failed to initialize device for qtest: \"bogus:x\""
    } },
    { "qtest-object-no-chardev", "-M none -object qtest,id=q", {
        "~No backend specified"
    } },
    { "qtest-object-bad-chardev", "-M none -object qtest,id=q,chardev=nochr", {
        "~Cannot find character device 'nochr'"
    } },
    { "qtest-two-endpoints", "-M none -chardev null,id=c0 -chardev null,id=c1 "
      "-object qtest,id=q1,chardev=c0 -object qtest,id=q2,chardev=c1", {
        "~Only one instance of qtest can be created"
    } },
    { "run-with-bad-bool", "-M none -run-with exit-with-parent=maybe", {
        "~Parameter 'exit-with-parent' expects 'on' or 'off'"
    } },
    { "audio-bad", "-M none -audio bogus", {
        "~Parameter 'driver' does not accept value 'bogus'"
    } },
    { "memory-backend-unknown", "-M none -m 16M -machine memory-backend=nomem", {
        "~Memory backend 'nomem' not found"
    } },
    { "memory-backend-size", "-M none -object memory-backend-ram,id=mem,size=16M "
      "-m 32M -machine memory-backend=mem", {
        "~Machine memory size does not match the size of the memory backend"
    } },
    { "nographic-daemonize", "-M none -nographic -daemonize", {
        "~-nographic cannot be used with -daemonize"
    } },
    /* issue 11: the chardev is looked up before the monitor's options */
    { "mon-unknown-chardev-first", "-M none -mon chardev=nope,pretty=on", {
        "=-mon chardev=nope,pretty=on: chardev \"nope\" not found"
    } },
    { "rtc-bad-base", "-M none -rtc base=2006-13-45", {
        "=-rtc base=2006-13-45: invalid datetime format",
        "#valid formats: '2006-06-17T16:01:21' or '2006-06-17'"
    } },
    { "rtc-bad-clock", "-M none -rtc clock=sun", {
        "~invalid option value 'sun'"
    } },
    { "boot-bad-device", "-M none -boot order=cz", {
        "=-boot order=cz: Invalid boot device 'z'"
    } },
    { "boot-twice", "-M none -boot once=cc", {
        "~Boot device 'c' was given twice"
    } },
    { "boot-bad-strict", "-M none -boot strict=maybe", {
        "~Parameter 'strict' expects 'on' or 'off'"
    } },
    { "overcommit-bad", "-M none -overcommit mem-lock=sometimes", {
        "~parameter 'mem-lock' expects one of 'on', 'off', 'on-fault'"
    } },
    { "sandbox-bad-spawn", "-M none -sandbox on,spawn=maybe", {
        "=-sandbox on,spawn=maybe: invalid argument for spawn"
    } },
    { "sandbox-bad-key", "-M none -sandbox on,bogus=1", {
        "~Invalid parameter 'bogus'"
    } },
    { "add-fd-stdio", "-M none -add-fd fd=2,set=1", {
        "~fd cannot be a standard I/O stream"
    } },
    { "add-fd-missing", "-M none -add-fd set=1", {
        "~fd option is required and must be non-negative"
    } },
    { "add-fd-not-open", "-M none -add-fd fd=1000,set=1", {
        "~fd is not valid or already in use"
    } },
    { "device-json-bad", "-M none -device '{\"driver\": '", {
        "~Invalid JSON syntax"
    } },
    { "device-json-unknown", "-M none -device '{\"driver\": \"nope\"}'", {
        "~'nope' is not a valid device model name"
    } },
    { "loader-nothing", "-M virt -device loader", {
        "~please include valid arguments"
    } },
    { "loader-data-no-len", "-M virt -device loader,addr=0x1000,data=1", {
        "~Both data and data-len must be specified"
    } },
    { "loader-data-len", "-M virt -device loader,addr=0,data=1,data-len=9", {
        "~data-len cannot be greater then 8 bytes"
    } },
    { "loader-pc-no-cpu", "-M virt -device loader,addr=0x1000", {
        "~cpu_num must be specified when setting a program counter"
    } },
    { "loader-bad-cpu", "-M virt -device loader,addr=0x1000,cpu-num=3", {
        "~Specified boot CPU#3 is nonexistent"
    } },
    { "loader-no-file", "-M virt -device loader,file=/nonexistent-cli/x", {
        "~Cannot load specified image /nonexistent-cli/x: Failed to open "
        "file \u201c/nonexistent-cli/x\u201d: No such file or directory"
    } },
    { "mem-path-with-backend", "-M none -m 16M -mem-path /tmp "
      "-object memory-backend-ram,id=m,size=16M -machine memory-backend=m", {
        "~'-mem-path' and '-mem-prealloc' may not be combined with "
        "'-machine memory-backend'"
    } },
    { "trace-events-missing", "-M none -trace events=/nonexistent-cli/ev", {
        "~Cannot open events file '/nonexistent-cli/ev': No such file or "
        "directory"
    } },
};

static void test_error(const void *opaque)
{
    const CliErrorCase *c = opaque;
    CliProc *p = cli_proc_new();
    int i, status;

    cli_spawn(p, "", c->args);
    status = cli_wait(p);
    if (status != 1) {
        cli_fail(p, "'%s': exit status %d, expected 1", c->args, status);
    }
    for (i = 0; i < (int)ARRAY_SIZE(c->expect) && c->expect[i]; i++) {
        if (!cli_has_line(p->err->str, c->expect[i])) {
            cli_fail(p, "'%s': stderr lacks '%s'", c->args, c->expect[i] + 1);
        }
    }
    cli_proc_free(p);
}

static void test_error_stray_argument(void)
{
    CliProc *p = cli_run("-M none image.img");

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 1);
    g_assert_true(g_str_has_prefix(p->err->str, CLI_PREFIX));
    cli_proc_free(p);
}

static void test_error_log_item(const void *opaque)
{
    CliProc *p = cli_run(opaque);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 1);
    /* The valid items are listed. */
    g_assert_true(strstr(p->out->str, "in_asm") ||
                  strstr(p->err->str, "in_asm"));
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Accepted command lines                                                */
/* ------------------------------------------------------------------ */

typedef struct CliAcceptCase {
    const char *name;
    const char *args;
    const char *allowed[3];     /* extra stderr lines tolerated */
} CliAcceptCase;

static const CliAcceptCase accept_cases[] = {
    { "machine-none", "-machine none" },
    { "machine-type-key", "-machine type=none" },
    { "machine-trailing-comma", "-machine none," },
    { "machine-merged", "-M none -machine aux-ram-share=off" },
    { "double-dash", "--M none --name foo" },
    { "m-plain", "-M none -m 128" },
    { "m-suffix", "-M none -m 16M" },
    { "m-size-key", "-M none -m size=64M" },
    { "m-giga", "-M none -m 1G" },
    { "m-fraction", "-M none -m 1.5G" },
    { "smp-1", "-M none -smp 1" },
    { "smp-keys", "-M none -smp cpus=1,maxcpus=1" },
    { "accel-tcg", "-M none -accel tcg" },
    { "accel-qtest", "-M none -accel qtest" },
    { "accel-key", "-M none -accel accel=tcg" },
    { "accel-tcg-props", "-M none -accel tcg,thread=single,tb-size=32,"
      "one-insn-per-tb=off,split-wx=off" },
    { "accel-kvm-fallback", "-M none -accel kvm,dirty-ring-size=4096 "
      "-accel tcg", { "invalid accelerator kvm", "falling back to tcg" } },
    { "accel-qtest-then-tcg", "-M none -accel qtest -accel tcg" },
    { "stopped", "-M none -S" },
    { "name", "-M none -name source,debug-threads=on" },
    { "name-keys", "-M none -name guest=foo,process=bar" },
    { "uuid", "-M none -uuid 11111111-1111-1111-1111-111111111111" },
    { "uuid-upper", "-M none -uuid 550E8400-E29B-41D4-A716-446655440000" },
    { "chardev-null", "-M none -chardev null,id=c0" },
    { "chardev-file", "-M none -chardev file,id=f0,path=@/f" },
    { "chardev-file-append", "-M none -chardev file,id=f0,path=@/f,append=on" },
    { "chardev-unix-server", "-M none "
      "-chardev socket,id=s0,path=@/s,server=on,wait=off" },
    { "chardev-tcp-server", "-M none "
      "-chardev socket,id=t0,host=127.0.0.1,port=0,server=on,wait=off" },
    { "chardev-ringbuf", "-M none -chardev ringbuf,id=r0,size=1024" },
    { "chardev-short-bool", "-M none -chardev socket,id=s0,path=@/s,server,"
      "nowait", { "Please use " } },
    { "chardev-logfile", "-M none -chardev null,id=c0,logfile=@/log,"
      "logappend=on" },
    { "serial-null", "-M none -serial null" },
    { "serial-none", "-M none -serial none" },
    { "serial-file", "-M none -serial file:@/serial" },
    { "serial-chardev", "-M none -chardev null,id=c0 -serial chardev:c0" },
    { "mon-control", "-M none -chardev null,id=c1 "
      "-mon chardev=c1,mode=control" },
    { "mon-pretty", "-M none -chardev null,id=c1 "
      "-mon chardev=c1,mode=control,pretty=on" },
    { "qmp-unix", "-M none -qmp unix:@/q,server=on,wait=off" },
    { "qmp-pretty", "-M none -qmp-pretty unix:@/q,server=on,wait=off" },
    { "qmp-tcp", "-M none -qmp tcp:127.0.0.1:0,server=on,wait=off" },
    { "display-audio", "-M none -display none -audio none" },
    { "nodefaults", "-M none -nodefaults -vga none" },
    { "shutdown-actions", "-M none -no-shutdown -no-reboot" },
    { "action", "-M none -action reboot=shutdown,shutdown=pause,"
      "panic=exit-failure" },
    { "run-with", "-M none -run-with exit-with-parent=on,async-teardown=off" },
    { "trace", "-M none -trace enable=cli_test_no_such_event*" },
    { "memory-backend-ram", "-M none "
      "-object memory-backend-ram,id=mem,size=16M,share=off "
      "-machine memory-backend=mem" },
    { "memory-backend-ram-m", "-M none "
      "-object memory-backend-ram,id=mem,size=16M -m 16M "
      "-machine memory-backend=mem" },
    { "memory-backend-file", "-M none "
      "-object memory-backend-file,id=mem,size=16M,mem-path=@/ram,share=on "
      "-machine memory-backend=mem" },
    { "memory-backend-memfd", "-M none "
      "-object memory-backend-memfd,id=mem,size=16M,share=on "
      "-machine memory-backend=mem" },
    { "object-json", "-M none -object "
      "'{\"qom-type\": \"memory-backend-ram\", \"id\": \"m2\", "
      "\"size\": 1048576}'" },
    { "global-short", "-M none -global migration.x-events=on" },
    { "global-long", "-M none "
      "-global driver=migration,property=x-events,value=on" },
    { "log", "-M none -d in_asm,int,exec,cpu,cpu_reset,unimp,guest_errors,"
      "nochain -D @/log" },
    { "incoming-defer", "-M none -incoming defer" },
    { "incoming-tcp", "-M none -incoming tcp:127.0.0.1:0" },
    { "incoming-unix", "-M none -incoming unix:@/mig" },
    { "qtest-null", "-M none -qtest null -qtest-log none" },
    { "qtest-object", "-M none -chardev null,id=c2 "
      "-object qtest,id=qt,chardev=c2,log=none" },
    /* issue 11: what libvirt and scripts pass */
    { "no-user-config", "-M none -no-user-config -nodefaults" },
    { "rtc-utc", "-M none -rtc base=utc,clock=host,driftfix=none" },
    { "rtc-localtime", "-M none -rtc base=localtime" },
    { "rtc-date", "-M none -rtc base=2006-06-17T16:01:21,clock=vm" },
    { "rtc-day", "-M none -rtc 2006-06-17" },
    { "boot-strict", "-M none -boot strict=on" },
    { "boot-order", "-M none -boot order=cd,once=d,menu=off,"
      "reboot-timeout=1000" },
    { "overcommit-off", "-M none -overcommit mem-lock=off,cpu-pm=off" },
    { "overcommit-lock", "-M none -m 16M -overcommit mem-lock=on-fault" },
    { "sandbox-off", "-M none -sandbox off" },
    { "sandbox-on", "-M none -sandbox on" },
    /* spawn=deny is covered by test-seccomp: LeakSanitizer's exit-time
     * check clones a process, which the filter rightly kills */
    { "sandbox-deny", "-M virt -sandbox on,obsolete=deny,"
      "elevateprivileges=deny,resourcecontrol=deny,spawn=allow",
      { "no guest program given" } },
    { "mem-path", "-M none -m 16M -mem-path @ -mem-prealloc" },
    { "mem-prealloc", "-M none -m 16M -mem-prealloc" },
    { "device-json", "-M none -device "
      "'{\"driver\": \"migration-testdev\", \"id\": \"t0\", "
      "\"state-size\": 8192, \"fail-load\": false}'" },
    { "device-loader", "-M virt -device loader,addr=0x100,data=7,data-len=2" },
    { "trace-log", "-M none -trace enable=cr16_*,file=@/trace "
      "-d trace:cpus_*" },
    { "msg", "-M none -msg timestamp=on,guest-name=on -name g" },
};

static void test_accept(const void *opaque)
{
    const CliAcceptCase *c = opaque;
    CliProc *p = cli_vm_start(c->args, true);

    cli_vm_quit(p);
    cli_assert_quiet(p, c->allowed);
    cli_proc_free(p);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    cli_binary();

    cli_add_func("/cli/version", test_version);
    cli_add("/cli/help/h", test_help, "-h");
    cli_add("/cli/help/help", test_help, "-help");
    cli_add("/cli/help/help-dashes", test_help, "--help");
    cli_add("/cli/machine-help/machine", test_machine_help, "-machine help");
    cli_add("/cli/machine-help/M", test_machine_help, "-M help");
    cli_add("/cli/machine-help/question", test_machine_help, "-machine ?");
    for (i = 0; i < ARRAY_SIZE(help_cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli/help-listing/%zu", i);

        cli_add(path, test_help_listing, &help_cases[i]);
    }
    for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli/error/%s",
                                                error_cases[i].name);

        cli_add(path, test_error, &error_cases[i]);
    }
    cli_add_func("/cli/error/stray-argument", test_error_stray_argument);
    cli_add("/cli/error/log-item", test_error_log_item, "-M none -d bogus");
    /* QEMU lists the items for "-d help" too, and exits with status 1 */
    cli_add("/cli/error/log-help", test_error_log_item, "-M none -d help");
    for (i = 0; i < ARRAY_SIZE(accept_cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli/accept/%s",
                                                accept_cases[i].name);

        cli_add(path, test_accept, &accept_cases[i]);
    }

    return g_test_run();
}

