/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * userfaultfd helpers. See postcopy-uffd.h.
 */
#include "qemu/osdep.h"

#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "qapi/error.h"
#include "migration/postcopy-uffd.h"

#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

/* Linux 6.8; older headers lack it. */
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE (1ULL << 16)
#define _UFFDIO_MOVE 0x05
struct uffdio_move {
    __u64 dst;
    __u64 src;
    __u64 len;
    __u64 mode;
    __s64 move;
};
#define UFFDIO_MOVE _IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

/* /proc/self/pagemap's scan (Linux 6.7); older headers lack it. */
#ifndef PAGEMAP_SCAN
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_HUGE (1 << 6)
struct page_region {
    __u64 start;
    __u64 end;
    __u64 categories;
};
struct pm_scan_arg {
    __u64 size;
    __u64 flags;
    __u64 start;
    __u64 end;
    __u64 walk_end;
    __u64 vec;
    __u64 vec_len;
    __u64 max_pages;
    __u64 category_inverted;
    __u64 category_mask;
    __u64 category_anyof_mask;
    __u64 return_mask;
};
#endif

#define RANGE_IOCTLS_NEEDED ((1ULL << _UFFDIO_COPY) | (1ULL << _UFFDIO_WAKE))
#define API_IOCTLS_NEEDED   ((1ULL << _UFFDIO_REGISTER) | \
                             (1ULL << _UFFDIO_UNREGISTER))

/* A raw descriptor, before the handshake. */
static int uffd_create(GError **errp)
{
    int flags = O_CLOEXEC | O_NONBLOCK;
    int fd = -1;
    int err = ENOSYS;

#ifdef SYS_userfaultfd
    fd = syscall(SYS_userfaultfd, flags);
    if (fd >= 0) {
        return fd;
    }
    err = errno;
#endif
    /*
     * Where unprivileged userfaultfd is off, /dev/userfaultfd (Linux 6.1)
     * hands out descriptors to whoever may open the node.
     */
    {
        int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

        if (dev >= 0) {
            fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
            if (fd < 0) {
                err = errno;
            }
            close(dev);
            if (fd >= 0) {
                return fd;
            }
        }
    }
    error_setg_errno(errp, err, "userfaultfd not available");
    return -1;
}

static uint64_t want_to_uffd(unsigned want)
{
    return ((want & POSTCOPY_UFFD_WANT_THREAD_ID) ? UFFD_FEATURE_THREAD_ID
                                                   : 0) |
           ((want & POSTCOPY_UFFD_WANT_MOVE) ? UFFD_FEATURE_MOVE : 0);
}

unsigned postcopy_uffd_available_features(void)
{
    struct uffdio_api api = { .api = UFFD_API, .features = 0 };
    unsigned have = 0;
    int fd = uffd_create(NULL);

    if (fd < 0) {
        return 0;
    }
    if (ioctl(fd, UFFDIO_API, &api) == 0) {
        if (api.features & UFFD_FEATURE_THREAD_ID) {
            have |= POSTCOPY_UFFD_WANT_THREAD_ID;
        }
        if (api.features & UFFD_FEATURE_MOVE) {
            have |= POSTCOPY_UFFD_WANT_MOVE;
        }
    }
    close(fd);
    return have;
}

int postcopy_uffd_open(unsigned want, unsigned *have, GError **errp)
{
    struct uffdio_api api = { .api = UFFD_API };
    int fd;

    /* A feature the kernel lacks fails the whole handshake: ask only for
     * what it offers. */
    if (want) {
        want &= postcopy_uffd_available_features();
    }
    api.features = want_to_uffd(want);
    fd = uffd_create(errp);
    if (fd < 0) {
        return -1;
    }
    if (ioctl(fd, UFFDIO_API, &api) < 0) {
        error_setg_errno(errp, errno, "userfaultfd API handshake failed");
        close(fd);
        return -1;
    }
    if ((api.ioctls & API_IOCTLS_NEEDED) != API_IOCTLS_NEEDED) {
        error_setg(errp, "userfaultfd lacks the register/unregister "
                   "operations (ioctls 0x%" PRIx64 ")", (uint64_t)api.ioctls);
        close(fd);
        return -1;
    }
    if (have) {
        *have = want;
    }
    return fd;
}

bool postcopy_uffd_register(int fd, void *host, uint64_t len,
                            bool *has_zeropage, GError **errp)
{
    struct uffdio_register reg = {
        .range = { .start = (uintptr_t)host, .len = len },
        .mode = UFFDIO_REGISTER_MODE_MISSING,
    };

    if (ioctl(fd, UFFDIO_REGISTER, &reg) < 0) {
        error_setg_errno(errp, errno, "userfaultfd cannot register 0x%"
                         PRIx64 " bytes at %p in missing mode", len, host);
        return false;
    }
    if ((reg.ioctls & RANGE_IOCTLS_NEEDED) != RANGE_IOCTLS_NEEDED) {
        error_setg(errp, "userfaultfd cannot copy pages into or wake the "
                   "range at %p (ioctls 0x%" PRIx64 ")", host,
                   (uint64_t)reg.ioctls);
        postcopy_uffd_unregister(fd, host, len, NULL);
        return false;
    }
    *has_zeropage = reg.ioctls & (1ULL << _UFFDIO_ZEROPAGE);
    return true;
}

bool postcopy_uffd_unregister(int fd, void *host, uint64_t len, GError **errp)
{
    struct uffdio_range r = { .start = (uintptr_t)host, .len = len };

    if (ioctl(fd, UFFDIO_UNREGISTER, &r) < 0) {
        error_setg_errno(errp, errno, "userfaultfd cannot unregister %p",
                         host);
        return false;
    }
    return true;
}

int postcopy_uffd_copy_upto(int fd, void *dst, const void *src, uint64_t len,
                            uint64_t *done_out)
{
    uint64_t done = 0;
    int r = 0;

    while (done < len) {
        struct uffdio_copy c = {
            .dst = (uintptr_t)dst + done,
            .src = (uintptr_t)src + done,
            .len = len - done,
        };

        if (ioctl(fd, UFFDIO_COPY, &c) == 0) {
            done = len;
            break;
        }
        /*
         * EAGAIN: the mapping changed under the copy, or the copy stopped
         * at a page it could not fill (that page's error comes on the next
         * call); c.copy tells how much went in before. Anything else is
         * final, at done.
         */
        if (errno != EAGAIN) {
            r = -errno;
            break;
        }
        if (c.copy > 0) {
            done += c.copy;
        }
    }
    if (done_out) {
        *done_out = done;
    }
    return r;
}

int postcopy_uffd_copy(int fd, void *dst, const void *src, uint64_t len)
{
    return postcopy_uffd_copy_upto(fd, dst, src, len, NULL);
}

int postcopy_uffd_zero(int fd, void *dst, uint64_t len)
{
    uint64_t done = 0;

    while (done < len) {
        struct uffdio_zeropage z = {
            .range = { .start = (uintptr_t)dst + done, .len = len - done },
        };

        if (ioctl(fd, UFFDIO_ZEROPAGE, &z) == 0) {
            return 0;
        }
        if (errno != EAGAIN) {
            return -errno;
        }
        if (z.zeropage > 0) {
            done += z.zeropage;
        }
    }
    return 0;
}

int postcopy_uffd_move(int fd, void *dst, void *src, uint64_t len,
                       uint64_t *done_out)
{
    uint64_t done = 0;
    int r = 0;

    while (done < len) {
        struct uffdio_move m = {
            .dst = (uintptr_t)dst + done,
            .src = (uintptr_t)src + done,
            .len = len - done,
        };

        if (ioctl(fd, UFFDIO_MOVE, &m) == 0) {
            done = len;
            break;
        }
        /* As for UFFDIO_COPY: EAGAIN with progress goes on, the rest is
         * final (the caller copies what did not move). */
        if (errno != EAGAIN || m.move <= 0) {
            r = errno == EAGAIN ? -EBUSY : -errno;
            break;
        }
        done += m.move;
    }
    *done_out = done;
    return r;
}

bool postcopy_range_is_huge(int pagemap_fd, const void *p, uint64_t len)
{
    struct page_region reg[2];
    struct pm_scan_arg a = {
        .size = sizeof(a),
        .start = (uintptr_t)p,
        .end = (uintptr_t)p + len,
        .vec = (uintptr_t)reg,
        .vec_len = G_N_ELEMENTS(reg),
        .category_mask = PAGE_IS_HUGE,
        .return_mask = PAGE_IS_HUGE,
    };

    /* One region of huge-page mappings covering all of it. */
    return pagemap_fd >= 0 && ioctl(pagemap_fd, PAGEMAP_SCAN, &a) == 1 &&
           reg[0].start == a.start && reg[0].end == a.end;
}
