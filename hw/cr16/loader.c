/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest image loading for the CR16 virt board: raw binaries at address 0
 * and ELF32 little-endian CR16 executables by their PT_LOAD program
 * headers. The file is untrusted: every header field, offset and size is
 * checked before use, and every failure has a one-line reason.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/cr16/virt.h"
#include "system/memory.h"
#include "loader.h"

/* ELF32 layout (System V ABI), read field by field, little-endian. */
#define ELF_EHDR_SIZE       52
#define ELF_PHDR_SIZE       32
#define ELF_CLASS32         1
#define ELF_DATA_LSB        1
#define ELF_VERSION_CURRENT 1
#define ELF_TYPE_EXEC       2
#define ELF_PT_LOAD         1
#define ELF_PN_XNUM         0xFFFF

typedef struct Cr16Segment {
    uint32_t addr;          /* CPU address (= physical, low RAM) */
    uint32_t memsz;         /* bytes in memory */
    GBytes *data;           /* the file part (<= memsz); rest is zero */
} Cr16Segment;

struct Cr16Image {
    GArray *segments;       /* Cr16Segment */
    uint32_t entry;
    bool is_elf;            /* parsed as ELF (else a raw image at 0) */
};

static uint16_t le16_at(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static uint32_t le32_at(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void segment_clear(gpointer p)
{
    Cr16Segment *seg = p;

    g_bytes_unref(seg->data);
}

static Cr16Image *image_new(void)
{
    Cr16Image *img = g_new0(Cr16Image, 1);

    img->segments = g_array_new(false, true, sizeof(Cr16Segment));
    g_array_set_clear_func(img->segments, segment_clear);
    return img;
}

void cr16_image_free(Cr16Image *img)
{
    if (img) {
        g_array_unref(img->segments);
        g_free(img);
    }
}

/* Read a whole regular file of at most CR16_IMAGE_MAX_FILE bytes. */
static uint8_t *image_read_file(const char *path, size_t *len, GError **errp)
{
    g_autofree uint8_t *buf = NULL;
    struct stat st;
    size_t got = 0;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error_setg(errp, "%s", g_strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        error_setg(errp, "%s", g_strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "not a regular file");
        close(fd);
        return NULL;
    }
    if ((uint64_t)st.st_size > CR16_IMAGE_MAX_FILE) {
        error_setg(errp, "file is too large (%" PRIu64 " bytes, at most %u)",
                   (uint64_t)st.st_size, CR16_IMAGE_MAX_FILE);
        close(fd);
        return NULL;
    }
    buf = g_malloc(st.st_size ? st.st_size : 1);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, st.st_size - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error_setg(errp, "%s", g_strerror(errno));
            close(fd);
            return NULL;
        }
        if (n == 0) {
            break;      /* the file shrank: take what is there */
        }
        got += n;
    }
    close(fd);
    *len = got;
    return g_steal_pointer(&buf);
}

/* Where a segment may go: low RAM that exists. */
static bool image_check_range(uint64_t addr, uint64_t size, uint64_t ram_size,
                              const char *what, GError **errp)
{
    uint64_t limit = MIN((uint64_t)VIRT_LOWRAM_SIZE, ram_size);

    if (addr + size > VIRT_LOWRAM_SIZE) {
        error_setg(errp, "%s at 0x%" PRIx64 "..0x%" PRIx64 " is outside low "
                   "RAM (0x0..0x%x)", what, addr, addr + size - 1,
                   VIRT_LOWRAM_SIZE - 1);
        return false;
    }
    if (addr + size > limit) {
        error_setg(errp, "%s at 0x%" PRIx64 "..0x%" PRIx64 " is beyond the "
                   "end of RAM (%" PRIu64 " bytes)", what, addr,
                   addr + size - 1, ram_size);
        return false;
    }
    return true;
}

static void image_add_segment(Cr16Image *img, uint32_t addr, uint32_t memsz,
                              GBytes *file, size_t offset, size_t filesz)
{
    Cr16Segment seg = {
        .addr = addr,
        .memsz = memsz,
        .data = g_bytes_new_from_bytes(file, offset, filesz),
    };

    g_array_append_val(img->segments, seg);
}

static bool image_parse_raw(Cr16Image *img, GBytes *file, uint64_t ram_size,
                            GError **errp)
{
    size_t len = g_bytes_get_size(file);

    if (len == 0) {
        error_setg(errp, "image is empty");
        return false;
    }
    if (!image_check_range(0, len, ram_size, "raw image", errp)) {
        return false;
    }
    image_add_segment(img, 0, len, file, 0, len);
    img->entry = 0;
    return true;
}

static bool image_parse_elf(Cr16Image *img, GBytes *file, uint64_t ram_size,
                            GError **errp)
{
    size_t len;
    const uint8_t *p = g_bytes_get_data(file, &len);
    uint16_t type, machine, phentsize, phnum;
    uint32_t version, entry, phoff;
    unsigned loaded = 0;

    if (len < ELF_EHDR_SIZE) {
        error_setg(errp, "ELF header truncated (%zu of %d bytes)", len,
                   ELF_EHDR_SIZE);
        return false;
    }
    if (p[4] != ELF_CLASS32) {
        error_setg(errp, "not a 32-bit ELF file (class %u)", p[4]);
        return false;
    }
    if (p[5] != ELF_DATA_LSB) {
        error_setg(errp, "not a little-endian ELF file (data encoding %u)",
                   p[5]);
        return false;
    }
    type = le16_at(p + 16);
    machine = le16_at(p + 18);
    version = le32_at(p + 20);
    entry = le32_at(p + 24);
    phoff = le32_at(p + 28);
    phentsize = le16_at(p + 42);
    phnum = le16_at(p + 44);
    if (p[6] != ELF_VERSION_CURRENT || version != ELF_VERSION_CURRENT) {
        error_setg(errp, "unsupported ELF version %u", version);
        return false;
    }
    if (type != ELF_TYPE_EXEC) {
        error_setg(errp, "ELF type %u is not an executable", type);
        return false;
    }
    if (machine != CR16_ELF_MACHINE && machine != CR16_ELF_MACHINE_NEW) {
        error_setg(errp, "ELF machine %u is not CR16 (%u)", machine,
                   CR16_ELF_MACHINE);
        return false;
    }
    if (phnum == 0 || phnum == ELF_PN_XNUM) {
        error_setg(errp, "ELF file has no usable program headers "
                   "(count %u)", phnum);
        return false;
    }
    if (phentsize != ELF_PHDR_SIZE) {
        error_setg(errp, "ELF program header size %u, expected %d",
                   phentsize, ELF_PHDR_SIZE);
        return false;
    }
    if ((uint64_t)phoff + (uint64_t)phnum * ELF_PHDR_SIZE > len) {
        error_setg(errp, "ELF program headers (offset 0x%x, %u entries) "
                   "extend past the end of the file (%zu bytes)", phoff,
                   phnum, len);
        return false;
    }
    if (entry & 1) {
        error_setg(errp, "ELF entry point 0x%x is odd", entry);
        return false;
    }
    if (entry >= VIRT_CPU_ADDR_LIMIT) {
        error_setg(errp, "ELF entry point 0x%x is outside the 24-bit "
                   "address space", entry);
        return false;
    }

    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = p + phoff + (size_t)i * ELF_PHDR_SIZE;
        uint32_t offset = le32_at(ph + 4);
        uint32_t paddr = le32_at(ph + 12);
        uint32_t filesz = le32_at(ph + 16);
        uint32_t memsz = le32_at(ph + 20);
        g_autofree char *what = NULL;

        if (le32_at(ph) != ELF_PT_LOAD || memsz == 0) {
            continue;
        }
        if (filesz > memsz) {
            error_setg(errp, "ELF segment %u: file size 0x%x exceeds its "
                       "memory size 0x%x", i, filesz, memsz);
            return false;
        }
        if ((uint64_t)offset + filesz > len) {
            error_setg(errp, "ELF segment %u: data (offset 0x%x, size 0x%x) "
                       "extends past the end of the file (%zu bytes)", i,
                       offset, filesz, len);
            return false;
        }
        what = g_strdup_printf("ELF segment %u", i);
        if (!image_check_range(paddr, memsz, ram_size, what, errp)) {
            return false;
        }
        image_add_segment(img, paddr, memsz, file, offset, filesz);
        loaded++;
    }
    if (!loaded) {
        error_setg(errp, "ELF file has no loadable segment");
        return false;
    }
    img->entry = entry;
    return true;
}

Cr16Image *cr16_image_load(const char *path, uint64_t ram_size,
                           GError **errp)
{
    g_autoptr(GBytes) file = NULL;
    uint8_t *buf;
    size_t len;

    buf = image_read_file(path, &len, errp);
    if (!buf) {
        return NULL;
    }
    file = g_bytes_new_take(buf, len);
    return cr16_image_parse(file, ram_size, errp);
}

Cr16Image *cr16_image_parse(GBytes *file, uint64_t ram_size, GError **errp)
{
    g_autoptr(Cr16Image) img = image_new();
    size_t len;
    const uint8_t *buf = g_bytes_get_data(file, &len);
    bool ok;

    if (len >= 4 && !memcmp(buf, "\x7f" "ELF", 4)) {
        img->is_elf = true;
        ok = image_parse_elf(img, file, ram_size, errp);
    } else {
        ok = image_parse_raw(img, file, ram_size, errp);
    }
    return ok ? g_steal_pointer(&img) : NULL;
}

bool cr16_image_is_elf(const Cr16Image *img)
{
    return img->is_elf;
}

void cr16_image_install(const Cr16Image *img)
{
    static const uint8_t zeros[4096];

    for (guint i = 0; i < img->segments->len; i++) {
        const Cr16Segment *seg = &g_array_index(img->segments, Cr16Segment,
                                                i);
        size_t filesz;
        const void *data = g_bytes_get_data(seg->data, &filesz);
        hwaddr phys = VIRT_LOWRAM_PHYS_BASE + seg->addr;
        uint64_t left = seg->memsz - filesz;

        address_space_write(phys, data, filesz);
        phys += filesz;
        while (left) {
            uint64_t n = MIN(left, sizeof(zeros));

            address_space_write(phys, zeros, n);
            phys += n;
            left -= n;
        }
    }
}

uint32_t cr16_image_entry(const Cr16Image *img)
{
    return img->entry;
}
