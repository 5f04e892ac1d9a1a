/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * userfaultfd, the host facility under postcopy (private to migration/):
 * opening a descriptor, the API handshake, registering ranges and the
 * placement ioctls, each with errors that name what failed.
 */
#ifndef MIGRATION_POSTCOPY_UFFD_H
#define MIGRATION_POSTCOPY_UFFD_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* Features postcopy_uffd_open() can ask for. */
#define POSTCOPY_UFFD_WANT_THREAD_ID  (1u << 0)
#define POSTCOPY_UFFD_WANT_MOVE       (1u << 1)   /* UFFDIO_MOVE, Linux 6.8 */

/*
 * Open a non-blocking, close-on-exec userfaultfd (the syscall, else
 * /dev/userfaultfd) and do the API handshake asking for `want` features.
 * *have receives the features granted. Returns the fd or -1 with errp.
 */
int postcopy_uffd_open(unsigned want, unsigned *have, GError **errp);
/* Features the kernel offers (POSTCOPY_UFFD_WANT_*), 0 if none or no
 * userfaultfd. */
unsigned postcopy_uffd_available_features(void);

/*
 * Register [host, host + len) in missing mode. Fails unless copy, wake
 * and (if need_zeropage) zero-page work on the range; *has_zeropage
 * tells whether UFFDIO_ZEROPAGE exists for it (not for hugetlbfs).
 */
bool postcopy_uffd_register(int fd, void *host, uint64_t len,
                            bool *has_zeropage, GError **errp);
bool postcopy_uffd_unregister(int fd, void *host, uint64_t len,
                              GError **errp);

/*
 * Fill the missing range [dst, dst + len) atomically from src, waking
 * its waiters. Returns 0, or -errno (-EEXIST: already present).
 */
int postcopy_uffd_copy(int fd, void *dst, const void *src, uint64_t len);
/*
 * The same for a run of pages, telling in *done how many bytes went in
 * before an error: on -EEXIST the page at dst + *done is the one present.
 */
int postcopy_uffd_copy_upto(int fd, void *dst, const void *src, uint64_t len,
                            uint64_t *done);
/*
 * Move the pages of [src, src + len) (private anonymous, ours alone) to
 * the missing range [dst, dst + len) without copying them, waking its
 * waiters; whole transparent huge pages move as one page-table entry.
 * *done: bytes moved before an error (src then has holes there). Needs
 * POSTCOPY_UFFD_WANT_MOVE. Returns 0 or -errno.
 */
int postcopy_uffd_move(int fd, void *dst, void *src, uint64_t len,
                       uint64_t *done);
/* The same with zeros (UFFDIO_ZEROPAGE). */
int postcopy_uffd_zero(int fd, void *dst, uint64_t len);

/*
 * Is [p, p + len) all mapped by transparent huge pages? Asks the open
 * /proc/self/pagemap pagemap_fd (PAGEMAP_SCAN, Linux 6.7); false where
 * that cannot tell.
 */
bool postcopy_range_is_huge(int pagemap_fd, const void *p, uint64_t len);

#endif /* MIGRATION_POSTCOPY_UFFD_H */
