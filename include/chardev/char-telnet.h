/*
 * Telnet framing for socket chardevs (telnet=on, "telnet:HOST:PORT"):
 * the options QEMU offers when a client connects, and the filter that
 * removes telnet commands from the input (chardev/char-telnet.c).
 */
#ifndef CHARDEV_CHAR_TELNET_H
#define CHARDEV_CHAR_TELNET_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* What the server sends first: WILL ECHO, WILL SGA, WILL BINARY, DO BINARY. */
extern const uint8_t telnet_init_bytes[12];

typedef struct TelnetState {
    int state;          /* position inside a command */
} TelnetState;

/*
 * Remove telnet commands from buf in place (IAC IAC is a data 0xff);
 * returns the data length left.  *brk is set if the client sent BREAK.
 * Commands may be split across calls.
 */
size_t telnet_filter(TelnetState *ts, uint8_t *buf, size_t len, bool *brk);

#endif /* CHARDEV_CHAR_TELNET_H */
