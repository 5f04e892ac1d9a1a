/*
 * An in-process machine for the fuzz targets that need one: what
 * "qemu-system-cr16 -M virt -accel qtest -S" builds before its main loop
 * runs, without a command line, monitors or sockets.
 */
#ifndef TESTS_FUZZ_FUZZ_MACHINE_H
#define TESTS_FUZZ_FUZZ_MACHINE_H

/*
 * Build the machine (BQL held by the caller's thread from here on): main
 * loop, manual virtual clock with the qtest accelerator's commands, the
 * board with its devices and RAM, VM stopped.  Aborts if it cannot.
 */
void fuzz_machine_init(void);
/* The same with ram_size bytes of RAM (0 = the board's default). */
void fuzz_machine_init_sized(uint64_t ram_size);

/*
 * Between two inputs: run what the input scheduled on the main loop
 * (shutdown, reset and powerdown requests, deferred work), then reset the
 * devices so the next input starts from power-on device state.  The
 * virtual clock keeps its value: it never goes backwards.
 */
void fuzz_machine_settle(void);

#endif /* TESTS_FUZZ_FUZZ_MACHINE_H */
