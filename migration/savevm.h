/*
 * The main stream (spec/migration-wire-format.md 1, 2.9, 4): writing it on
 * the source and reading it on the destination. The byte-level writers
 * live in savevm.c (sections, footers, commands), the entry list in
 * hw/core/vmstate-registry.c, the VMState bodies in vmstate.c.
 */
#ifndef MIGRATION_SAVEVM_H
#define MIGRATION_SAVEVM_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "migration/qemu-file.h"

/* Top-level record types (wire-format 1.2). */
#define QEMU_VM_FILE_MAGIC           0x5145564d
#define QEMU_VM_FILE_VERSION_COMPAT  0x00000002
#define QEMU_VM_FILE_VERSION         0x00000003
#define QEMU_VM_EOF                  0x00
#define QEMU_VM_SECTION_START        0x01
#define QEMU_VM_SECTION_PART         0x02
#define QEMU_VM_SECTION_END          0x03
#define QEMU_VM_SECTION_FULL         0x04
#define QEMU_VM_SUBSECTION           0x05
#define QEMU_VM_VMDESCRIPTION        0x06
#define QEMU_VM_CONFIGURATION        0x07
#define QEMU_VM_COMMAND              0x08
#define QEMU_VM_SECTION_FOOTER       0x7e
#define QEMU_VM_PING_PACKAGED_LOADED 0x42
/* Beyond QEMU, capability x-postcopy-safe-start: the source committed to
 * postcopy-active; the destination may start the guest ("SAFE"). */
#define QEMU_VM_PING_POSTCOPY_COMMITTED 0x53414645

/* In-band commands (wire-format 4.2). */
typedef enum MigCmd {
    MIG_CMD_INVALID = 0,
    MIG_CMD_OPEN_RETURN_PATH,
    MIG_CMD_PING,
    MIG_CMD_POSTCOPY_ADVISE,
    MIG_CMD_POSTCOPY_LISTEN,
    MIG_CMD_POSTCOPY_RUN,
    MIG_CMD_POSTCOPY_RAM_DISCARD,
    MIG_CMD_PACKAGED,
    MIG_CMD_ENABLE_COLO,
    MIG_CMD_POSTCOPY_RESUME,
    MIG_CMD_RECV_BITMAP,
    MIG_CMD_SWITCHOVER_START,
    MIG_CMD_MAX
} MigCmd;

/* ---- source ---- */

/* File header and configuration record (machine type, validated caps,
 * UUID subsection with validate-uuid). Opens the VM description. */
void qemu_savevm_state_header(QEMUFile *f);
/* Setup phase: FULL sections of early-setup descriptions, START sections
 * of live entries. BQL held. */
bool qemu_savevm_state_setup(QEMUFile *f, GError **errp);
/* One PART section per live entry that still has data. Returns 1 when
 * every live entry reported "all sent for now", 0 if not, -1 on error. */
int qemu_savevm_state_iterate(QEMUFile *f, GError **errp);
/* Bytes the live entries still have to send (wire-format 3.10). */
void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy);
void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy);
/* Completion, guest stopped, BQL held: SWITCHOVER_START, END sections,
 * FULL sections of every other entry, EOF, VM description. */
bool qemu_savevm_state_complete_precopy(QEMUFile *f, GError **errp);
/* After success, failure or cancel (BQL held). */
void qemu_savevm_state_cleanup(void);
/* Refuse migration when an unmigratable description is registered
 * ("State blocked by non-migratable device '<name>'"). */
bool qemu_savevm_state_blocked(GError **errp);
/* Does any live entry need switchover approval (switchover-ack)? */
int qemu_savevm_switchover_ack_needed_count(void);

/* ---- postcopy (wire 4.4), source ---- */
/* A PART section per live entry, whatever the rate limit (the entry
 * paces its background data itself). Return as qemu_savevm_state_iterate. */
int qemu_savevm_state_iterate_postcopy(QEMUFile *f, GError **errp);
/*
 * One more PART section of the live entry idstr, written by another
 * thread than the migration thread while that one is between sections
 * (RAM's urgent pages, ram-urgent.c): its section id (false: no such
 * entry), then the framing around the body.
 */
bool qemu_savevm_live_section_id(const char *idstr, uint32_t *section_id);
void qemu_savevm_put_part_header(QEMUFile *f, uint32_t section_id);
void qemu_savevm_put_part_footer(QEMUFile *f, uint32_t section_id);
/* This migration will have no VM description (postcopy start, step 1). */
void qemu_savevm_discard_vmdesc(void);
/* PART sections of the entries that prepare for postcopy (step 3). */
bool qemu_savevm_state_postcopy_prepare(QEMUFile *f, GError **errp);
/* FULL sections of every non-iterable entry, no EOF (the package). BQL. */
bool qemu_savevm_state_non_iterable(QEMUFile *f, GError **errp);
/* End of postcopy: END sections of the live entries, then EOF; no VM
 * description. */
bool qemu_savevm_state_complete_postcopy(QEMUFile *f, GError **errp);
void qemu_savevm_send_postcopy_advise(QEMUFile *f, bool postcopy_ram);
void qemu_savevm_send_postcopy_listen(QEMUFile *f);
void qemu_savevm_send_postcopy_run(QEMUFile *f);
void qemu_savevm_send_postcopy_resume(QEMUFile *f);
void qemu_savevm_send_recv_bitmap(QEMUFile *f, const char *block);
/* MIG_CMD_PACKAGED: be32 len, then the len bytes of the package. */
void qemu_savevm_send_packaged(QEMUFile *f, const uint8_t *data, size_t len);
/* The page-size summary of ADVISE: the OR of every migrated block's page
 * size (both sides compute it the same way). */
uint64_t qemu_savevm_ram_pagesize_summary(void);

/* Commands (flushed at once). */
void qemu_savevm_command_send(QEMUFile *f, MigCmd cmd, uint16_t len,
                              const uint8_t *data);
void qemu_savevm_send_open_return_path(QEMUFile *f);
void qemu_savevm_send_ping(QEMUFile *f, uint32_t value);
void qemu_savevm_send_switchover_start(QEMUFile *f);

/* ---- destination ---- */

/*
 * What the loader needs from the incoming side for commands that reach
 * beyond the stream (return path, postcopy). Any hook may be NULL, in
 * which case the command fails the load with a clear error.
 */
typedef struct LoadvmHooks {
    /* OPEN_RETURN_PATH: open the reverse direction. */
    bool (*open_return_path)(void *opaque, GError **errp);
    /* PING: answer PONG with the value on the return path. */
    bool (*ping)(void *opaque, uint32_t value, GError **errp);
    /* Any other command id (postcopy, recovery): the handler reads its
     * own payload of `len` bytes from f. Returns false with errp set on
     * failure; sets *stop to end the record loop (POSTCOPY_RUN). */
    bool (*command)(void *opaque, QEMUFile *f, MigCmd cmd, uint16_t len,
                    bool *stop, GError **errp);
    void *opaque;
} LoadvmHooks;

/*
 * Read a whole stream: header, configuration (checked), records until
 * EOF (or a command that stops the loop), then the VM description
 * (skipped). Every error names the section/field ("...: section
 * 'cr16-uart' instance 0: field 'fifo_head': ...").
 */
bool qemu_loadvm_state(QEMUFile *f, const LoadvmHooks *hooks, GError **errp);
/* The record loop alone (used for PACKAGED blobs and the listen thread). */
bool qemu_loadvm_state_main(QEMUFile *f, const LoadvmHooks *hooks,
                            bool *stopped, GError **errp);
void qemu_loadvm_state_cleanup(void);

#endif /* MIGRATION_SAVEVM_H */
