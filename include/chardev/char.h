/*
 * Character devices: named host-side byte streams (-chardev, the legacy
 * "-serial/-qmp/-qtest SPEC" shorthand) and the front-end API that device
 * models, monitors and qtest use to talk to them.
 *
 * A front end embeds a CharBackend, attaches it to a Chardev with
 * qemu_chr_fe_init(), and installs handlers with qemu_chr_fe_set_handlers().
 * Handlers run in the GMainContext given there (NULL: the main loop's
 * default context, i.e. with the BQL held).
 *
 * Locking: creating, finding, deleting chardevs and attaching front ends
 * happen in the main thread with the BQL held. Writing is serialised per
 * chardev by an internal lock and may be done as documented per function.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "qemu/option.h"

typedef struct Chardev Chardev;

/*
 * A front end with an event handler hears OPENED exactly once per
 * connection, always before the first byte of that connection's input,
 * and CLOSED only after an OPENED (both from its context).
 */
typedef enum {
    CHR_EVENT_OPENED,   /* the backend is connected (peer present) */
    CHR_EVENT_CLOSED,   /* the backend lost its peer */
} QEMUChrEvent;

/* How many bytes the front end can take now (0: none, stop reading). */
typedef int IOCanReadHandler(void *opaque);
/* size (> 0, at most the last can_read result) bytes arrived. */
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);

/* The front end's side of a connection; embed it in the front end. */
typedef struct CharBackend {
    Chardev *chr;                   /* NULL: no backend, output discarded */
    /* private: */
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
    GMainContext *context;
    GSource *open_source;           /* pending OPENED delivery */
    unsigned opened_gen;            /* connection told OPENED (atomic) */
    bool open_told;                 /* OPENED delivered, CLOSED not yet */
    int tag;                        /* slot in a multiplexer */
    bool fe_open;                   /* handlers installed */
    void (*chr_focus)(void *opaque, bool focus);    /* mux focus moved */
    void (*chr_break)(void *opaque);                /* mux Ctrl-A b */
} CharBackend;

/* The "-chardev" option list (implied key "backend", union of all keys). */
extern QemuOptsList qemu_chardev_opts;

/*
 * Create a chardev from "-chardev" options. Errors (errp):
 * "Parameter 'backend' is missing", "'x' is not a valid char driver name",
 * "Parameter 'id' is missing", "Duplicate ID 'x' for chardev", and the
 * backend's own (e.g. "Failed to connect to '/p': No such file or
 * directory"). A socket server with wait=on blocks here until the first
 * client connects, after printing
 * "info: QEMU waiting for connection on: disconnected:unix:<path>,server=on".
 * Callers check qemu_opt_has_help_opt() first and use qemu_chr_print_help()
 * for "-chardev help". Returns the chardev (owned by the registry) or NULL.
 * Main thread, BQL held.
 */
Chardev *qemu_chr_new_from_opts(QemuOpts *opts, GError **errp);

/*
 * Create the chardev "label" from the legacy shorthand of cli.md 4
 * ("file:PATH", "unix:PATH[,opts]", "tcp:HOST:PORT[,opts]", "stdio", ...).
 * "chardev:ID" returns the existing chardev ID ("chardev 'ID' not found");
 * "mon:SPEC" creates SPEC multiplexed (mux=on): the caller attaches the
 * monitor it wants (see qemu_chr_spec_is_mon()). Unknown spec:
 * "'<spec>' is not a valid char driver". Returns NULL with errp set on
 * failure. Main thread, BQL held.
 */
Chardev *qemu_chr_new(const char *label, const char *spec, GError **errp);

/*
 * The "-chardev" equivalent of a legacy spec as a new QemuOpts in
 * qemu_chardev_opts with id label (delete it with qemu_opts_del()).
 * Returns NULL with errp set for specs that are not shorthand for a
 * backend ("chardev:ID" included).
 */
QemuOpts *qemu_chr_parse_compat(const char *label, const char *spec,
                                GError **errp);

/* True if spec is "mon:..." (a monitor should share the chardev). */
bool qemu_chr_spec_is_mon(const char *spec);

/* Print "-chardev help" (the backend names) to stdout. */
void qemu_chr_print_help(void);

/* The chardev with this id, or NULL. BQL held. */
Chardev *qemu_chr_find(const char *id);
/* The chardev's id. Owned by chr. */
const char *qemu_chr_label(Chardev *chr);
/* Human-readable description for query-chardev ("unix:/p,server=on",
 * "disconnected:...", "file", ...), newly allocated. BQL held. */
char *qemu_chr_filename(Chardev *chr);
/* True if a front end has installed handlers on chr. BQL held. */
bool qemu_chr_frontend_open(Chardev *chr);
/* True if the backend is connected (a peer is present). */
bool qemu_chr_is_open(Chardev *chr);
/* Call fn for every chardev in creation order. BQL held; fn must not
 * create or delete chardevs. */
void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);

/*
 * Delete the chardev id. Fails with "Chardev 'x' is busy" while a front end
 * is attached, "Chardev 'x' not found" if there is none. BQL held.
 */
bool qemu_chr_delete(const char *id, GError **errp);

/*
 * At exit: close every chardev (restores the terminal of stdio, removes the
 * socket files of unix servers and pty symlinks; client paths are left
 * alone). Front ends still attached are detached (their writes are then
 * discarded). BQL held; no other thread may be writing.
 */
void qemu_chr_cleanup(void);

/*
 * For an exit that cannot wait for the main thread (it may be stuck): the
 * externally visible part of qemu_chr_cleanup(), i.e. restore the terminal
 * of stdio and remove the socket files of unix servers. Any thread, no
 * lock needed; chardevs stay usable in memory.
 */
void qemu_chr_emergency_cleanup(void);

/*
 * Attach be to chr (NULL: no backend; writes are discarded). One front end
 * per chardev ("Chardev 'x' is busy") unless chr is multiplexed (up to 4:
 * "Too many uses of multiplexed chardev 'x'"). BQL held.
 */
bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, GError **errp);

/*
 * Install (or, with all NULL, remove) the front end's handlers; they run in
 * context (NULL: default main context). If the backend is already
 * connected, CHR_EVENT_OPENED is delivered afterwards from context (once,
 * even if the backend connects meanwhile); input is held back until then.
 * On a multiplexed chardev the front end that sets handlers last gets the
 * input focus. Call from the thread owning the previous context (or before
 * it runs) with the BQL held; context may already be running elsewhere.
 */
void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *can_read,
                              IOReadHandler *read, IOEventHandler *event,
                              void *opaque, GMainContext *context);

/*
 * Tell the backend that can_read may have grown (after the front end
 * consumed data): wakes the context so reading resumes. Any thread.
 */
void qemu_chr_fe_accept_input(CharBackend *be);

/*
 * Write without blocking. Returns bytes written (possibly fewer than len)
 * or -1 with errno set (EAGAIN: nothing could be written now; EIO: no
 * peer). With no backend, returns len. Any thread holding the BQL, or the
 * front end's context thread.
 */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);

/*
 * Write all len bytes, blocking while the peer is slow. Returns len, or -1
 * (errno set) if the peer is gone / the backend failed. With no backend,
 * returns len. Threads as for qemu_chr_fe_write.
 */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);

/*
 * Take up to num file descriptors that arrived (SCM_RIGHTS on unix
 * sockets) with the most recent batch: they are stored in fds and owned by
 * the caller; any further fds of that batch are closed. A new batch closes
 * the unclaimed fds of the previous one; so does a disconnect. Returns the
 * count stored (0 if none). Front end's context thread.
 */
int qemu_chr_fe_get_msgfds(CharBackend *be, int *fds, int num);

/*
 * Multiplexed chardevs: call fn(opaque, true) from the mux's context when
 * be gets the input focus (Ctrl-A c, or another front end detached) and
 * fn(opaque, false) when it loses it; opaque is the one given to
 * qemu_chr_fe_set_handlers().  Set before the handlers.  BQL held.
 */
void qemu_chr_fe_set_focus_handler(CharBackend *be,
                                   void (*fn)(void *opaque, bool focus));
/*
 * fn runs when the user sends a serial break to this front end (Ctrl-A b
 * on a multiplexer, while it has the focus). Separate from the event
 * handler so that a front end can hear breaks without opting into the
 * OPENED/CLOSED gating of its input.
 */
void qemu_chr_fe_set_break_handler(CharBackend *be, void (*fn)(void *opaque));
/* True unless be shares a multiplexed chardev and lacks the focus. */
bool qemu_chr_fe_has_focus(CharBackend *be);

/* True if be is attached to a chardev (be->chr != NULL). */
bool qemu_chr_fe_backend_connected(CharBackend *be);
/* True if be is attached and the chardev has a peer (it is open). */
bool qemu_chr_fe_backend_open(CharBackend *be);
/* The chardev be is attached to, or NULL. */
Chardev *qemu_chr_fe_get_chr(CharBackend *be);

/*
 * Drop the current connection (socket backends; a server then accepts the
 * next client, a client with reconnect-ms reconnects). No-op for others.
 * BQL held.
 */
void qemu_chr_fe_disconnect(CharBackend *be);

/*
 * Remove the handlers and detach be; with del, also delete the chardev.
 * BQL held.
 */
void qemu_chr_fe_deinit(CharBackend *be, bool del);

/*
 * Ring-buffer chardevs (-chardev ringbuf): read and remove up to size of
 * the oldest bytes (newly allocated, *len set; NULL with errp set on
 * failure), or append bytes to the buffer as if the front end had written
 * them (the oldest are overwritten when full). Errors:
 * "Chardev 'x' is not a ringbuf". BQL held.
 */
uint8_t *qemu_chr_ringbuf_read(Chardev *chr, size_t size, size_t *len,
                               GError **errp);
bool qemu_chr_ringbuf_write(Chardev *chr, const uint8_t *buf, size_t len,
                            GError **errp);

#endif /* CHARDEV_CHAR_H */
