/*
 * The prelude: the first include of every .c file in qemu-cr16.
 * It pulls in the C library and glib pieces that every module uses, so
 * that individual files only include what is specific to them.
 */
#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#include "config-host.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <assert.h>

#include <glib.h>

#define QEMU_NORETURN       __attribute__((noreturn))
#define QEMU_PRINTF(a, b)   __attribute__((format(printf, a, b)))
#define QEMU_UNUSED         __attribute__((unused))
#define likely(x)           __builtin_expect(!!(x), 1)
#define unlikely(x)         __builtin_expect(!!(x), 0)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)       (sizeof(a) / sizeof((a)[0]))
#endif

#define QEMU_ALIGN_DOWN(n, m)   ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m)     QEMU_ALIGN_DOWN((n) + (m) - 1, (m))
#define QEMU_IS_ALIGNED(n, m)   (((n) % (m)) == 0)
#define DIV_ROUND_UP(n, d)      (((n) + (d) - 1) / (d))

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

/* Compile-time check that a member has the given type (for state tables). */
#define type_check(t1, t2)  ((t1 *)0 - (t2 *)0)

/* Atomics: thin wrappers over the GCC builtins (sequentially consistent). */
#define qatomic_read(p)         __atomic_load_n(p, __ATOMIC_SEQ_CST)
#define qatomic_set(p, v)       __atomic_store_n(p, v, __ATOMIC_SEQ_CST)
#define qatomic_or(p, v)        ((void)__atomic_fetch_or(p, v, __ATOMIC_SEQ_CST))
#define qatomic_and(p, v)       ((void)__atomic_fetch_and(p, v, __ATOMIC_SEQ_CST))
#define qatomic_fetch_or(p, v)  __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST)
#define qatomic_fetch_and(p, v) __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST)
#define qatomic_xchg(p, v)      __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define qatomic_inc(p)          ((void)__atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST))
#define qatomic_dec(p)          ((void)__atomic_fetch_sub(p, 1, __ATOMIC_SEQ_CST))
#define qatomic_cmpxchg(p, old, new) ({                                 \
    __typeof__(*(p)) _old = (old);                                      \
    __atomic_compare_exchange_n(p, &_old, new, false,                   \
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);    \
    _old; })
#define smp_mb()                __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* The program name used in error messages ("qemu-system-cr16"). */
extern const char *error_progname;

#endif /* QEMU_OSDEP_H */
