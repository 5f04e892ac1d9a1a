/*
 * Guest images for the CR16 virt board (private to hw/cr16): -kernel and
 * -bios files, either raw binaries loaded at CPU address 0 or ELF32
 * little-endian CR16 executables loaded by their program headers.
 *
 * An image is parsed and checked once (cr16_image_load) and can then be
 * copied into guest RAM any number of times (at start-up and at every
 * machine reset).
 */
#ifndef HW_CR16_LOADER_H
#define HW_CR16_LOADER_H

#include <glib.h>
#include <stdint.h>

/* ELF machine numbers accepted for CR16 (current and old GNU values). */
#define CR16_ELF_MACHINE        115
#define CR16_ELF_MACHINE_NEW    177

/* Files larger than this are refused before being read. */
#define CR16_IMAGE_MAX_FILE     (64u * 1024 * 1024)

typedef struct Cr16Image Cr16Image;

/*
 * Read and check the image at path. Every segment must lie in low RAM
 * (CPU 0 .. VIRT_LOWRAM_SIZE - 1) and below ram_size. Returns the image,
 * or NULL with errp set to the reason alone (e.g. "No such file or
 * directory", "ELF machine 62 is not CR16"); the caller adds which file
 * and option it was. Main thread.
 */
Cr16Image *cr16_image_load(const char *path, uint64_t ram_size,
                           GError **errp);

/*
 * The same checks on an image already in memory (the file's bytes; the
 * image keeps a reference to them).  cr16_image_load() reads the file and
 * calls this; the fuzz target "elf" feeds it directly.
 */
Cr16Image *cr16_image_parse(GBytes *file, uint64_t ram_size, GError **errp);

/* Copy the image's segments into RAM (zero-filling .bss parts) through
 * the physical bus. BQL held. */
void cr16_image_install(const Cr16Image *img);

/* CPU address where execution starts: the ELF entry, or 0 for raw. */
uint32_t cr16_image_entry(const Cr16Image *img);

/* True if the file was an ELF executable (false: raw image at 0). */
bool cr16_image_is_elf(const Cr16Image *img);

void cr16_image_free(Cr16Image *img);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Cr16Image, cr16_image_free)

#endif /* HW_CR16_LOADER_H */
