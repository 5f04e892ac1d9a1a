/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line editing state machine (see include/qemu/readline.h).  The terminal
 * is assumed to understand ANSI cursor movement: edits in the middle of
 * the line redraw it as "CR, erase line, prompt, text, cursor back".
 */
#include "qemu/osdep.h"
#include "qemu/readline.h"

typedef enum {
    RS_NORMAL,
    RS_ESC,         /* after ESC */
    RS_CSI,         /* after ESC [ */
    RS_SS3,         /* after ESC O */
} ReadLineInput;

struct ReadLineState {
    ReadLineWriteFunc *write;
    ReadLineCompletionFunc *complete;
    void *opaque;

    char *prompt;
    ReadLineFunc *done;
    void *done_opaque;

    char line[READLINE_MAX_LEN + 1];
    int len;
    int cursor;

    ReadLineInput input;
    int csi_param;
    bool last_was_cr;           /* swallow the LF of CR LF */

    char *history[READLINE_HISTORY_LEN];
    int history_len;
    int history_pos;            /* -1: editing a new line */
    char *saved_line;           /* the new line while browsing history */
};

ReadLineState *readline_new(ReadLineWriteFunc *write,
                            ReadLineCompletionFunc *complete, void *opaque)
{
    ReadLineState *rs = g_new0(ReadLineState, 1);

    rs->write = write;
    rs->complete = complete;
    rs->opaque = opaque;
    rs->prompt = g_strdup("");
    rs->history_pos = -1;
    return rs;
}

void readline_free(ReadLineState *rs)
{
    int i;

    if (!rs) {
        return;
    }
    for (i = 0; i < rs->history_len; i++) {
        g_free(rs->history[i]);
    }
    g_free(rs->saved_line);
    g_free(rs->prompt);
    g_free(rs);
}

static void rl_puts(ReadLineState *rs, const char *text)
{
    if (*text) {
        rs->write(rs->opaque, text);
    }
}

static void rl_printf(ReadLineState *rs, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void rl_printf(ReadLineState *rs, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rl_puts(rs, text);
}

/* Rewrite the whole line and put the terminal cursor where ours is. */
static void rl_redraw(ReadLineState *rs)
{
    rl_printf(rs, "\r\033[K%s%.*s", rs->prompt, rs->len, rs->line);
    if (rs->cursor < rs->len) {
        rl_printf(rs, "\033[%dD", rs->len - rs->cursor);
    }
}

void readline_start(ReadLineState *rs, const char *prompt,
                    ReadLineFunc *done, void *opaque)
{
    g_free(rs->prompt);
    rs->prompt = g_strdup(prompt);
    rs->done = done;
    rs->done_opaque = opaque;
    rs->len = rs->cursor = 0;
    rs->line[0] = 0;
    rs->history_pos = -1;
    g_clear_pointer(&rs->saved_line, g_free);
}

void readline_show_prompt(ReadLineState *rs)
{
    rl_puts(rs, rs->prompt);
    if (rs->len) {
        rl_redraw(rs);
    }
}

const char *readline_get_line(ReadLineState *rs)
{
    rs->line[rs->len] = 0;
    return rs->line;
}

const char *readline_get_history(ReadLineState *rs, unsigned n)
{
    return n < (unsigned)rs->history_len ? rs->history[n] : NULL;
}

static void rl_set_line(ReadLineState *rs, const char *text)
{
    size_t n = MIN(strlen(text), (size_t)READLINE_MAX_LEN);

    memcpy(rs->line, text, n);
    rs->len = rs->cursor = n;
    rs->line[n] = 0;
    rl_redraw(rs);
}

static void rl_insert(ReadLineState *rs, const char *text, int n)
{
    n = MIN(n, READLINE_MAX_LEN - rs->len);
    if (n <= 0) {
        return;
    }
    memmove(rs->line + rs->cursor + n, rs->line + rs->cursor,
            rs->len - rs->cursor);
    memcpy(rs->line + rs->cursor, text, n);
    rs->len += n;
    rs->cursor += n;
    rs->line[rs->len] = 0;
    if (rs->cursor == rs->len) {
        rl_printf(rs, "%.*s", n, text);     /* plain echo at the end */
    } else {
        rl_redraw(rs);
    }
}

/* Delete n characters starting at position at. */
static void rl_delete(ReadLineState *rs, int at, int n)
{
    if (at < 0 || n <= 0 || at + n > rs->len) {
        return;
    }
    memmove(rs->line + at, rs->line + at + n, rs->len - at - n);
    rs->len -= n;
    if (rs->cursor > at) {
        rs->cursor = MAX(at, rs->cursor - n);
    }
    rs->line[rs->len] = 0;
    rl_redraw(rs);
}

static void rl_move(ReadLineState *rs, int pos)
{
    pos = CLAMP(pos, 0, rs->len);
    if (pos < rs->cursor) {
        rl_printf(rs, "\033[%dD", rs->cursor - pos);
    } else if (pos > rs->cursor) {
        rl_printf(rs, "\033[%dC", pos - rs->cursor);
    }
    rs->cursor = pos;
}

static void rl_history_add(ReadLineState *rs, const char *line)
{
    if (!*line || (rs->history_len &&
                   !strcmp(rs->history[rs->history_len - 1], line))) {
        return;
    }
    if (rs->history_len == READLINE_HISTORY_LEN) {
        g_free(rs->history[0]);
        memmove(rs->history, rs->history + 1,
                (READLINE_HISTORY_LEN - 1) * sizeof(rs->history[0]));
        rs->history_len--;
    }
    rs->history[rs->history_len++] = g_strdup(line);
}

/* dir -1: older, +1: newer. */
static void rl_history_step(ReadLineState *rs, int dir)
{
    int pos = rs->history_pos;

    if (pos < 0) {
        if (dir > 0 || !rs->history_len) {
            return;
        }
        rs->saved_line = g_strndup(rs->line, rs->len);
        pos = rs->history_len - 1;
    } else {
        pos += dir;
        if (pos < 0) {
            return;
        }
    }
    if (pos >= rs->history_len) {
        rs->history_pos = -1;
        rl_set_line(rs, rs->saved_line ? rs->saved_line : "");
        g_clear_pointer(&rs->saved_line, g_free);
        return;
    }
    rs->history_pos = pos;
    rl_set_line(rs, rs->history[pos]);
}

static void rl_enter(ReadLineState *rs)
{
    g_autofree char *line = g_strndup(rs->line, rs->len);
    ReadLineFunc *done = rs->done;

    rl_puts(rs, "\r\n");
    rl_history_add(rs, line);
    rs->len = rs->cursor = 0;
    rs->line[0] = 0;
    rs->history_pos = -1;
    g_clear_pointer(&rs->saved_line, g_free);
    if (done) {
        /* May call readline_start() again. */
        done(rs->done_opaque, line);
    }
}

static int rl_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void rl_complete(ReadLineState *rs)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) match = g_ptr_array_new();
    g_autofree char *before = g_strndup(rs->line, rs->cursor);
    const char *word = before;
    size_t wlen, common = 0;
    guint i;

    if (!rs->complete) {
        return;
    }
    for (i = 0; before[i]; i++) {
        if (before[i] == ' ') {
            word = before + i + 1;
        }
    }
    wlen = strlen(word);
    rs->complete(rs->opaque, before, all);
    for (i = 0; i < all->len; i++) {
        const char *c = all->pdata[i];

        if (!strncmp(c, word, wlen)) {
            g_ptr_array_add(match, (gpointer)c);
        }
    }
    if (!match->len) {
        return;
    }
    g_ptr_array_sort(match, rl_cmp);
    common = strlen(match->pdata[0]);
    for (i = 1; i < match->len; i++) {
        const char *a = match->pdata[0], *b = match->pdata[i];
        size_t k = 0;

        while (k < common && a[k] == b[k]) {
            k++;
        }
        common = k;
    }
    if (match->len == 1) {
        g_autofree char *add = g_strdup_printf("%s ",
                                               (char *)match->pdata[0] + wlen);

        rl_insert(rs, add, strlen(add));
        return;
    }
    if (common > wlen) {
        rl_insert(rs, (char *)match->pdata[0] + wlen, common - wlen);
        return;
    }
    /* Ambiguous and nothing to add: list the candidates. */
    rl_puts(rs, "\r\n");
    for (i = 0; i < match->len; i++) {
        rl_printf(rs, "%s%s", (char *)match->pdata[i],
                  i + 1 < match->len ? "  " : "\r\n");
    }
    rl_puts(rs, rs->prompt);
    rl_printf(rs, "%.*s", rs->len, rs->line);
    if (rs->cursor < rs->len) {
        rl_printf(rs, "\033[%dD", rs->len - rs->cursor);
    }
}

static void rl_kill_word(ReadLineState *rs)
{
    int start = rs->cursor;

    while (start > 0 && rs->line[start - 1] == ' ') {
        start--;
    }
    while (start > 0 && rs->line[start - 1] != ' ') {
        start--;
    }
    rl_delete(rs, start, rs->cursor - start);
}

/* The final byte of ESC [ <param> <final> or ESC O <final>. */
static void rl_escape_seq(ReadLineState *rs, int final, int param)
{
    switch (final) {
    case 'A':
        rl_history_step(rs, -1);
        break;
    case 'B':
        rl_history_step(rs, 1);
        break;
    case 'C':
        rl_move(rs, rs->cursor + 1);
        break;
    case 'D':
        rl_move(rs, rs->cursor - 1);
        break;
    case 'H':
        rl_move(rs, 0);
        break;
    case 'F':
        rl_move(rs, rs->len);
        break;
    case '~':
        if (param == 1 || param == 7) {
            rl_move(rs, 0);
        } else if (param == 4 || param == 8) {
            rl_move(rs, rs->len);
        } else if (param == 3) {
            rl_delete(rs, rs->cursor, 1);
        }
        break;
    default:
        break;
    }
}

void readline_handle_byte(ReadLineState *rs, int ch)
{
    bool was_cr = rs->last_was_cr;

    rs->last_was_cr = false;
    switch (rs->input) {
    case RS_ESC:
        rs->input = RS_NORMAL;
        if (ch == '[') {
            rs->input = RS_CSI;
            rs->csi_param = 0;
        } else if (ch == 'O') {
            rs->input = RS_SS3;
        }
        return;
    case RS_CSI:
        if (ch >= '0' && ch <= '9') {
            rs->csi_param = MIN(rs->csi_param * 10 + (ch - '0'), 1000);
            return;
        }
        if (ch == ';') {
            return;
        }
        rs->input = RS_NORMAL;
        rl_escape_seq(rs, ch, rs->csi_param);
        return;
    case RS_SS3:
        rs->input = RS_NORMAL;
        rl_escape_seq(rs, ch, 0);
        return;
    case RS_NORMAL:
        break;
    }

    switch (ch) {
    case '\r':
        rs->last_was_cr = true;
        rl_enter(rs);
        break;
    case '\n':
        if (!was_cr) {
            rl_enter(rs);
        }
        break;
    case 0x1b:
        rs->input = RS_ESC;
        break;
    case 0x7f:
    case 0x08:
        rl_delete(rs, rs->cursor - 1, 1);
        break;
    case 0x04:      /* Ctrl-D */
        rl_delete(rs, rs->cursor, 1);
        break;
    case 0x02:      /* Ctrl-B */
        rl_move(rs, rs->cursor - 1);
        break;
    case 0x06:      /* Ctrl-F */
        rl_move(rs, rs->cursor + 1);
        break;
    case 0x05:      /* Ctrl-E */
        rl_move(rs, rs->len);
        break;
    case 0x0b:      /* Ctrl-K */
        rl_delete(rs, rs->cursor, rs->len - rs->cursor);
        break;
    case 0x15:      /* Ctrl-U */
        rl_delete(rs, 0, rs->cursor);
        break;
    case 0x17:      /* Ctrl-W */
        rl_kill_word(rs);
        break;
    case 0x10:      /* Ctrl-P */
        rl_history_step(rs, -1);
        break;
    case 0x0e:      /* Ctrl-N */
        rl_history_step(rs, 1);
        break;
    case '\t':
        rl_complete(rs);
        break;
    default:
        if (ch >= 0x20 && ch < 0x7f) {
            char c = ch;

            rl_insert(rs, &c, 1);
        }
        break;
    }
}
