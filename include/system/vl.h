/*
 * The emulator's start-up sequence (system/vl.c).
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

/* Parse argv, build the machine, run the main loop; returns the exit status. */
int qemu_main(int argc, char **argv);

/* The -incoming URI ("defer", "tcp:...", ...), NULL when not a destination. */
const char *vl_incoming_uri(void);

#endif /* SYSTEM_VL_H */
