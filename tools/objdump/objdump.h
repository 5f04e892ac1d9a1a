/*
 * cr16-objdump core: GNU-objdump-like disassembly listings of CR16 ELF
 * files and flat binary images, produced with the CPU's disassembler
 * (cr16_disas).  Pure: input bytes in, text out.
 */
#ifndef TOOLS_OBJDUMP_OBJDUMP_H
#define TOOLS_OBJDUMP_OBJDUMP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Cr16DumpOptions {
    bool all;               /* -D: every allocated section, not just code */
    bool binary;            /* -b binary: flat image at address 0 */
    bool has_start;         /* --start-address */
    bool has_stop;          /* --stop-address */
    uint64_t start;
    uint64_t stop;
    int64_t adjust_vma;     /* --adjust-vma: added to every address */
} Cr16DumpOptions;

/*
 * Append the disassembly of file @name (contents @data, @len bytes) to
 * @out.  Returns false and sets @errp (nothing useful appended) when the
 * ELF file is malformed or not a CR16 file; a flat binary never fails.
 */
bool cr16_objdump(const char *name, const uint8_t *data, size_t len,
                  const Cr16DumpOptions *opts, GString *out, GError **errp);

/*
 * Disassemble @len bytes at @data, loaded at address @addr, as lines
 * "    ADDR:\tBYTES \tMNEMONIC\tOPERANDS" (no labels) appended to @out.
 */
void cr16_objdump_range(const uint8_t *data, size_t len, uint32_t addr,
                        GString *out);

#endif /* TOOLS_OBJDUMP_OBJDUMP_H */
