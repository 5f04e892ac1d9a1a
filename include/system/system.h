/*
 * Process-wide settings from the command line and hooks between vl.c,
 * the run-state code and the board.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Chardev Chardev;

/* The chardev of the i-th -serial option, NULL if none. */
Chardev *serial_hd(int i);

/* -name guest name, or NULL. */
extern const char *qemu_name;
/* -uuid: 16 bytes, all zero when not given. */
extern uint8_t qemu_uuid[16];
extern bool qemu_uuid_set;

/* Exit status of the process (guest power-off code, failures). */
extern int qemu_exit_status;

/*
 * The board's power-button hook (system_powerdown); NULL means the guest
 * has no power button and the request only emits POWERDOWN.
 */
extern void (*machine_powerdown_hook)(void);
void machine_powerdown_request(void);

/* Leave the main loop and exit with qemu_exit_status (BQL held). */
void system_shutdown_begin(void);

#endif /* SYSTEM_SYSTEM_H */
