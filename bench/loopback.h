/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benches' loopback streams. */
#ifndef BENCH_LOOPBACK_H
#define BENCH_LOOPBACK_H

#include <stdbool.h>

/*
 * A tcp connection from this process to itself over 127.0.0.1: fds[0]
 * is the connecting end, fds[1] the accepted one. False with errno set
 * (and nothing left open) when a step fails.
 */
bool bench_tcp_pair(int fds[2]);

#endif
