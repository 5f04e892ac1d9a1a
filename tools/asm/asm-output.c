/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as output: the location counter, the image bytes of the current
 * pass (zero-filled gaps, bounds of the 24-bit address space) and the
 * listing built alongside them.
 */
#include "qemu/osdep.h"
#include "asm-int.h"

/* Make sure the image covers [base, loc + len); false when out of range. */
static bool image_reserve(Cr16Asm *as, uint64_t len)
{
    uint64_t end = (uint64_t)as->loc + len;
    uint64_t off;
    guint old;

    if (as->loc < 0 || end > ASM_ADDR_LIMIT) {
        if (!as->overflow_reported) {
            asm_error(as, "address 0x%" PRIx64 " is beyond the 24-bit "
                      "address space", end - 1);
            as->overflow_reported = true;
        }
        return false;
    }
    if (!as->base_fixed) {
        as->base = 0;
        as->base_fixed = true;
    }
    /* .org never moves backwards, so loc >= base here. */
    g_assert(as->loc >= as->base);
    off = as->loc - as->base;
    old = as->image->len;
    if (off + len > old) {
        g_byte_array_set_size(as->image, off + len);
        memset(as->image->data + old, 0, off + len - old);
    }
    return true;
}

static void list_bytes(Cr16Asm *as, const uint8_t *buf, size_t len,
                       uint8_t fill)
{
    AsmListLine *l = as->cur_list;
    size_t i;

    if (!l || len == 0) {
        return;
    }
    if (!l->has_bytes) {
        l->has_bytes = true;
        l->addr = as->loc;
        l->bytes = g_byte_array_new();
    }
    for (i = 0; i < len; i++) {
        g_byte_array_append(l->bytes, buf ? &buf[i] : &fill, 1);
    }
}

void asm_emit(Cr16Asm *as, const uint8_t *buf, size_t len)
{
    if (len == 0 || !image_reserve(as, len)) {
        return;
    }
    memcpy(as->image->data + (as->loc - as->base), buf, len);
    list_bytes(as, buf, len, 0);
    as->loc += len;
}

void asm_emit_fill(Cr16Asm *as, uint8_t fill, uint64_t len)
{
    if (len == 0 || !image_reserve(as, len)) {
        return;
    }
    memset(as->image->data + (as->loc - as->base), fill, len);
    /* Listing shows at most a line's worth of long fills. */
    list_bytes(as, NULL, MIN(len, 8), fill);
    as->loc += len;
}

bool asm_set_loc(Cr16Asm *as, int64_t addr, uint8_t fill)
{
    if (addr < as->loc) {
        asm_error(as, "attempt to move .org backwards (from 0x%" PRIx64
                  " to 0x%" PRIx64 ")", as->loc, addr);
        return false;
    }
    if (addr > ASM_ADDR_LIMIT) {
        asm_error(as, "address 0x%" PRIx64 " is beyond the 24-bit address "
                  "space", addr);
        return false;
    }
    if (!as->base_fixed) {
        as->base = addr;
        as->base_fixed = true;
        as->loc = addr;
        return true;
    }
    asm_emit_fill(as, fill, addr - as->loc);
    return true;
}

const uint8_t *cr16_asm_image(const Cr16Asm *as, uint32_t *base,
                              size_t *len)
{
    *base = as->base;
    *len = as->image->len;
    return as->image->data;
}

char *cr16_asm_listing(const Cr16Asm *as)
{
    GString *out = g_string_new(NULL);
    const char *file = NULL;
    guint i;

    for (i = 0; i < as->listing->len; i++) {
        AsmListLine *l = g_ptr_array_index(as->listing, i);
        guint nb = l->has_bytes ? l->bytes->len : 0;
        GString *hex = g_string_new(NULL);
        guint j, k;

        if (file != l->file) {
            g_string_append_printf(out, "%s# file \"%s\"\n",
                                   file ? "\n" : "", l->file);
            file = l->file;
        }
        for (j = 0; j < nb && j < 6; j++) {
            g_string_append_printf(hex, "%02x ", l->bytes->data[j]);
        }
        if (l->has_stmt || nb) {
            g_string_append_printf(out, "%5u %06" PRIx32 " %-18s %s\n",
                                   l->line, l->addr, hex->str, l->text);
        } else {
            g_string_append_printf(out, "%5u %6s %-18s %s\n", l->line, "",
                                   "", l->text);
        }
        for (j = 6; j < nb; j += 6) {
            g_string_truncate(hex, 0);
            for (k = j; k < nb && k < j + 6; k++) {
                g_string_append_printf(hex, "%02x ", l->bytes->data[k]);
            }
            g_string_append_printf(out, "%5s %06" PRIx32 " %s\n", "",
                                   l->addr + j, hex->str);
        }
        g_string_free(hex, true);
    }
    return g_string_free(out, false);
}
