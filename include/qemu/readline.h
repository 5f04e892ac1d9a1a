/*
 * Line editing for interactive text front ends (the human monitor): a
 * byte-at-a-time state machine that keeps the line being edited, echoes
 * and redraws it through an output callback, and hands finished lines to
 * a callback.  Keys: printable characters insert; Backspace/DEL and
 * Ctrl-H delete left, Delete (ESC [3~) and Ctrl-D delete under the
 * cursor; Left/Right, Home/End (also Ctrl-B/F/E) move; Up/Down walk the
 * history; Ctrl-K/Ctrl-U kill to end/start; Ctrl-W kills a word; Tab
 * completes the word before the cursor through the completion callback;
 * Enter (CR or LF; CR LF counts once) finishes the line.
 *
 * Not thread-safe: one owner feeds bytes and calls the other functions.
 */
#ifndef QEMU_READLINE_H
#define QEMU_READLINE_H

#include <glib.h>
#include <stdbool.h>

#define READLINE_MAX_LEN        1024    /* longest line kept */
#define READLINE_HISTORY_LEN    64      /* entries remembered */

typedef struct ReadLineState ReadLineState;

/* Write text to the terminal. */
typedef void ReadLineWriteFunc(void *opaque, const char *text);
/* A finished line (without its end-of-line). */
typedef void ReadLineFunc(void *opaque, const char *line);
/*
 * Candidates for completing the last word of line (the text before the
 * cursor): append g_strdup'ed full words to out.
 */
typedef void ReadLineCompletionFunc(void *opaque, const char *line,
                                    GPtrArray *out);

ReadLineState *readline_new(ReadLineWriteFunc *write,
                            ReadLineCompletionFunc *complete, void *opaque);
void readline_free(ReadLineState *rs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ReadLineState, readline_free)

/*
 * Start reading a line: remember prompt and the callback, clear the
 * line.  Does not print anything (see readline_show_prompt()).
 */
void readline_start(ReadLineState *rs, const char *prompt,
                    ReadLineFunc *done, void *opaque);
/* Print the prompt and the line being edited. */
void readline_show_prompt(ReadLineState *rs);
/* Feed one input byte. */
void readline_handle_byte(ReadLineState *rs, int ch);

/* The line being edited (for tests). */
const char *readline_get_line(ReadLineState *rs);
/* History entry n (0 = oldest), NULL past the end. */
const char *readline_get_history(ReadLineState *rs, unsigned n);

#endif /* QEMU_READLINE_H */
