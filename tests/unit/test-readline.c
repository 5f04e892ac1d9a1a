/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/readline.c: editing keys, history, completion and what the
 * terminal is sent.
 */
#include "qemu/osdep.h"
#include "qemu/readline.h"

typedef struct RLFixture {
    ReadLineState *rs;
    GString *term;              /* everything written to the terminal */
    GPtrArray *lines;           /* finished lines */
} RLFixture;

static void fx_write(void *opaque, const char *text)
{
    RLFixture *f = opaque;

    g_string_append(f->term, text);
}

static void fx_done(void *opaque, const char *line)
{
    RLFixture *f = opaque;

    g_ptr_array_add(f->lines, g_strdup(line));
    readline_start(f->rs, "(qemu) ", fx_done, f);
}

static void fx_complete(void *opaque, const char *line, GPtrArray *out)
{
    static const char *const words[] = {
        "info", "migrate", "migrate_cancel", "migrate_incoming", "quit",
    };

    /* Only the first word completes. */
    if (strchr(line, ' ')) {
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        g_ptr_array_add(out, g_strdup(words[i]));
    }
}

static void fx_setup(RLFixture *f, gconstpointer data)
{
    f->term = g_string_new(NULL);
    f->lines = g_ptr_array_new_with_free_func(g_free);
    f->rs = readline_new(fx_write, fx_complete, f);
    readline_start(f->rs, "(qemu) ", fx_done, f);
}

static void fx_teardown(RLFixture *f, gconstpointer data)
{
    readline_free(f->rs);
    g_string_free(f->term, TRUE);
    g_ptr_array_unref(f->lines);
}

static void feed(RLFixture *f, const char *bytes)
{
    for (; *bytes; bytes++) {
        readline_handle_byte(f->rs, (unsigned char)*bytes);
    }
}

static const char *last_line(RLFixture *f)
{
    g_assert_cmpuint(f->lines->len, >, 0);
    return f->lines->pdata[f->lines->len - 1];
}

static void test_prompt_and_echo(RLFixture *f, gconstpointer data)
{
    readline_show_prompt(f->rs);
    feed(f, "info status\r\n");
    g_assert_cmpstr(f->term->str, ==, "(qemu) info status\r\n");
    g_assert_cmpuint(f->lines->len, ==, 1);
    g_assert_cmpstr(last_line(f), ==, "info status");
    /* LF alone ends a line too; CR LF counted once above. */
    feed(f, "quit\n");
    g_assert_cmpuint(f->lines->len, ==, 2);
    g_assert_cmpstr(last_line(f), ==, "quit");
}

static void test_editing(RLFixture *f, gconstpointer data)
{
    /* Backspace, then insert in the middle after moving left. */
    feed(f, "infx\x7fo stats");
    feed(f, "\033[D");                  /* Left */
    feed(f, "u");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "info status");
    /* Home, Delete under the cursor, End. */
    feed(f, "\033[H\033[3~\033[F!");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "nfo status!");
    /* Ctrl-W kills the last word, Ctrl-U the rest before the cursor. */
    feed(f, "\x17");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "nfo ");
    feed(f, "\x15");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "");
    /* Ctrl-A/Ctrl-E style Home/End through ESC O sequences. */
    feed(f, "bc\033OHa\033OFd");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "abcd");
    /* A redraw puts the cursor back: "CR, erase, prompt, text, left". */
    g_assert_nonnull(strstr(f->term->str, "\r\033[K(qemu) abc\033[2D"));
    feed(f, "\r");
    g_assert_cmpstr(last_line(f), ==, "abcd");
    /* Unprintable bytes are ignored. */
    feed(f, "a\x01\x03" "b\r");
    g_assert_cmpstr(last_line(f), ==, "ab");
}

static void test_history(RLFixture *f, gconstpointer data)
{
    feed(f, "one\rtwo\rtwo\rthree\r");
    /* Repeats of the previous entry and empty lines are not kept. */
    feed(f, "\r");
    g_assert_cmpstr(readline_get_history(f->rs, 0), ==, "one");
    g_assert_cmpstr(readline_get_history(f->rs, 1), ==, "two");
    g_assert_cmpstr(readline_get_history(f->rs, 2), ==, "three");
    g_assert_null(readline_get_history(f->rs, 3));

    feed(f, "draft");
    feed(f, "\033[A");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "three");
    feed(f, "\033[A\033[A\033[A");      /* stops at the oldest */
    g_assert_cmpstr(readline_get_line(f->rs), ==, "one");
    feed(f, "\033[B");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "two");
    feed(f, "\033[B\033[B");            /* back to the draft */
    g_assert_cmpstr(readline_get_line(f->rs), ==, "draft");
    feed(f, "\033[A\r");
    g_assert_cmpstr(last_line(f), ==, "three");
}

static void test_history_limit(RLFixture *f, gconstpointer data)
{
    for (int i = 0; i < READLINE_HISTORY_LEN + 5; i++) {
        g_autofree char *l = g_strdup_printf("cmd%d\r", i);

        feed(f, l);
    }
    g_assert_cmpstr(readline_get_history(f->rs, 0), ==, "cmd5");
    g_assert_null(readline_get_history(f->rs, READLINE_HISTORY_LEN));
}

static void test_completion(RLFixture *f, gconstpointer data)
{
    /* One candidate: completed with a space. */
    feed(f, "qu\t");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "quit ");
    feed(f, "\x15");
    /* Several: the common prefix first ... */
    feed(f, "mi\t");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "migrate");
    /* ... then the list, and the line is shown again. */
    g_string_truncate(f->term, 0);
    feed(f, "_\t");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "migrate_");
    g_assert_cmpstr(f->term->str, ==,
                    "_\r\nmigrate_cancel  migrate_incoming\r\n"
                    "(qemu) migrate_");
    feed(f, "c\t");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "migrate_cancel ");
    /* Nothing matches: nothing happens. */
    feed(f, "\x15zz\t");
    g_assert_cmpstr(readline_get_line(f->rs), ==, "zz");
}

static void test_overlong(RLFixture *f, gconstpointer data)
{
    for (int i = 0; i < READLINE_MAX_LEN + 10; i++) {
        readline_handle_byte(f->rs, 'x');
    }
    g_assert_cmpuint(strlen(readline_get_line(f->rs)), ==, READLINE_MAX_LEN);
    feed(f, "\r");
    g_assert_cmpuint(strlen(last_line(f)), ==, READLINE_MAX_LEN);
}

#define ADD(name, fn) \
    g_test_add(name, RLFixture, NULL, fx_setup, fn, fx_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/readline/prompt-echo", test_prompt_and_echo);
    ADD("/readline/editing", test_editing);
    ADD("/readline/history", test_history);
    ADD("/readline/history-limit", test_history_limit);
    ADD("/readline/completion", test_completion);
    ADD("/readline/overlong", test_overlong);
    return g_test_run();
}
