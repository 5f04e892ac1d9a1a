/*
 * Private to chardev/: the Chardev object, the driver table entry every
 * backend provides, and the calls backends make into the core.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"

/* Largest chunk read from a backend at once. */
#define CHR_READ_BUF_LEN 4096

/*
 * One backend type. Callbacks run in the main thread with the BQL held
 * unless stated otherwise.
 */
typedef struct ChardevDriver {
    const char *name;
    size_t instance_size;       /* >= sizeof(Chardev); Chardev comes first */
    /*
     * Set up from opts. *be_opened: true if the backend has its peer now
     * (OPENED is then delivered to front ends); a backend that connects
     * later (socket) sets false and calls qemu_chr_be_event() itself.
     * On failure undo everything and return false with errp set; close is
     * not called then.
     */
    bool (*open)(Chardev *chr, QemuOpts *opts, bool *be_opened,
                 GError **errp);
    /*
     * Write without blocking: bytes written, or -1 with errno (EAGAIN: try
     * later after wait_writable). chr->write_lock is held; any thread.
     */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /*
     * Block until a write may progress; false if it never will (peer gone).
     * NULL: write never fails with EAGAIN. chr->write_lock is held.
     */
    bool (*wait_writable)(Chardev *chr);
    /* Front end handlers or chr->gcontext changed: (re)create sources. */
    void (*update_read_handler)(Chardev *chr);
    /* See qemu_chr_fe_get_msgfds(). Front end's context thread. */
    int (*get_msgfds)(Chardev *chr, int *fds, int num);
    /* Drop the current connection (socket). */
    void (*disconnect)(Chardev *chr);
    /* The front end set handlers (mux tracks focus). */
    void (*fe_handlers_changed)(Chardev *chr, CharBackend *be);
    /* Detach a front end (mux frees its slot). */
    void (*fe_detach)(Chardev *chr, CharBackend *be);
    /* Release what open acquired. */
    void (*close)(Chardev *chr);
    /* Description for query-chardev; NULL: chr->filename is used. */
    char *(*describe)(Chardev *chr);
} ChardevDriver;

struct Chardev {
    const ChardevDriver *driver;
    char *label;
    char *filename;             /* query-chardev text; BQL */
    GMutex write_lock;          /* serialises driver->write and fd swaps */
    CharBackend *be;            /* the single front end (mux: NULL) */
    bool be_open;               /* peer present; BQL or context thread */
    unsigned open_gen;          /* connections so far (atomic) */
    bool is_mux;                /* front ends attach through char-mux.c */
    int mux_users;              /* mux: front ends attached */
    GMainContext *gcontext;     /* where sources run (front end's) */
    int logfd;                  /* logfile=, -1 if none; under write_lock */
    struct Object *qom;         /* its stand-in under /chardevs */
};

/* Every backend driver (chardev/char-*.c). */
extern const ChardevDriver chardev_null_driver;
extern const ChardevDriver chardev_file_driver;
extern const ChardevDriver chardev_stdio_driver;
extern const ChardevDriver chardev_socket_driver;
extern const ChardevDriver chardev_pipe_driver;
extern const ChardevDriver chardev_pty_driver;
extern const ChardevDriver chardev_ringbuf_driver;
extern const ChardevDriver chardev_serial_driver;
extern const ChardevDriver chardev_mux_driver;

/*
 * Bytes the front end can take now (0 when there is none or it has no
 * can_read handler). Context thread.
 */
int qemu_chr_be_can_write(Chardev *chr);
/* Deliver input to the front end (len <= last can_write). Context thread. */
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);
/*
 * Record the backend state and tell the front end (see
 * qemu_chr_fe_announce()). Context thread (BQL when the context is the
 * main one).
 */
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);
/*
 * Record that chr gained (a new connection: open_gen advances) or lost
 * its peer; no-op if the state does not change.
 */
void qemu_chr_set_open(Chardev *chr, bool open);
/* Replace chr->filename (takes ownership of filename). */
void qemu_chr_set_filename(Chardev *chr, char *filename);

/*
 * Write through chr's driver with chr->write_lock held; with all, block
 * until everything is written. Returns bytes written or -1 (errno).
 * Mirrors output to the logfile. Any thread (see qemu_chr_fe_write).
 */
int qemu_chr_write(Chardev *chr, const uint8_t *buf, int len, bool all);
/* Call chr's wait_writable with its write_lock held (mux -> inner). */
bool qemu_chr_wait_writable(Chardev *chr);

/* Create and register a chardev of driver (used for mux's inner one). */
Chardev *qemu_chr_create(const ChardevDriver *driver, const char *label,
                         QemuOpts *opts, GError **errp);
/* Unregister, close and free chr (no front end may remain attached). */
void qemu_chr_destroy(Chardev *chr);

/* Drop an OPENED that qemu_chr_fe_set_handlers() queued. Any thread. */
void qemu_chr_fe_cancel_open(CharBackend *be);
/*
 * Tell one front end about its chardev's state: OPENED only if the
 * chardev is open and this connection was not announced to be yet,
 * CLOSED only if be was told OPENED. Context thread.
 */
void qemu_chr_fe_announce(CharBackend *be, QEMUChrEvent event);
/*
 * May be receive input now? Not before it has heard OPENED for the
 * current connection (front ends without an event handler always may).
 */
bool qemu_chr_fe_may_read(CharBackend *be);

/* Mux: attach / detach front ends (char-mux.c). */
bool qemu_chr_mux_attach(Chardev *chr, CharBackend *be, GError **errp);
/* /chardevs/<label> in the QOM tree (char-qom.c). BQL. */
void qemu_chr_qom_add(Chardev *chr);
void qemu_chr_qom_del(Chardev *chr);

/* Mux: does be have the input focus? */
bool qemu_chr_mux_has_focus(Chardev *chr, CharBackend *be);
/* Mux: wrap inner (taking ownership) as a multiplexed chardev "label". */
Chardev *qemu_chr_mux_new(const char *label, Chardev *inner, GError **errp);

/* Parts of qemu_chr_emergency_cleanup() (char-socket.c, char-stdio.c). */
void chr_socket_emergency_cleanup(void);
void chr_stdio_emergency_cleanup(void);

#endif /* CHARDEV_INTERNAL_H */
