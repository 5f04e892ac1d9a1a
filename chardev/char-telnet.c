/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Telnet framing (RFC 854/855) for socket chardevs: only what a serial
 * console needs -- the server's opening offers, and input with the
 * command sequences taken out.
 */
#include "qemu/osdep.h"
#include "chardev/char-telnet.h"

#define IAC     255
#define DONT    254
#define DO      253
#define WONT    252
#define WILL    251
#define SB      250
#define SE      240
#define BRK     243

#define OPT_BINARY  0
#define OPT_ECHO    1
#define OPT_SGA     3

const uint8_t telnet_init_bytes[12] = {
    IAC, WILL, OPT_ECHO,
    IAC, WILL, OPT_SGA,
    IAC, WILL, OPT_BINARY,
    IAC, DO, OPT_BINARY,
};

enum {
    TN_DATA,
    TN_IAC,         /* after IAC */
    TN_OPTION,      /* after IAC WILL/WONT/DO/DONT: one option byte */
    TN_SUB,         /* inside IAC SB ... */
    TN_SUB_IAC,     /* IAC inside a subnegotiation */
};

size_t telnet_filter(TelnetState *ts, uint8_t *buf, size_t len, bool *brk)
{
    size_t out = 0;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];

        switch (ts->state) {
        case TN_DATA:
            if (c == IAC) {
                ts->state = TN_IAC;
            } else {
                buf[out++] = c;
            }
            break;
        case TN_IAC:
            ts->state = TN_DATA;
            if (c == IAC) {
                buf[out++] = c;
            } else if (c >= WILL && c <= DONT) {
                ts->state = TN_OPTION;
            } else if (c == SB) {
                ts->state = TN_SUB;
            } else if (c == BRK) {
                *brk = true;
            }
            break;
        case TN_OPTION:
            ts->state = TN_DATA;
            break;
        case TN_SUB:
            if (c == IAC) {
                ts->state = TN_SUB_IAC;
            }
            break;
        case TN_SUB_IAC:
            ts->state = c == SE ? TN_DATA : TN_SUB;
            break;
        }
    }
    return out;
}
