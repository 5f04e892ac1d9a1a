/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP handlers that look at the machine: x / xp memory dumps (with the
 * CR16 disassembler for /i), info registers, info mtree, and the $reg
 * values of argument expressions.
 *
 * The vCPU owns its registers while it runs, so reading them pauses it
 * for the moment of the read (BQL held, as for every HMP command).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/cr16/cpu-object.h"
#include "system/cpus.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "target/cr16/insn.h"
#include "hmp-internal.h"

/* The CPU, or NULL on a machine without one. */
static CR16CPU *hmp_cpu(void)
{
    Object *obj = cpus_vcpu_object();

    if (!obj || !object_dynamic_cast(obj, TYPE_CR16C_CPU)) {
        return NULL;
    }
    return cr16_cpu_object_get_cpu(DEVICE(obj));
}

/* Pause the vCPU if it is executing guest code; true if it was. */
static bool hmp_cpu_hold(void)
{
    if (runstate_is_running() && cpus_execution_enabled()) {
        cpus_pause();
        return true;
    }
    return false;
}

static void hmp_cpu_release(bool held)
{
    if (held) {
        cpus_resume();
    }
}

bool hmp_get_register(const char *name, int64_t *val)
{
    CR16CPU *cpu = hmp_cpu();
    int id = cpu ? cr16_cpu_reg_lookup(name) : -1;
    bool held;

    if (id < 0) {
        return false;
    }
    held = hmp_cpu_hold();
    *val = cr16_cpu_get_reg(cpu, id);
    hmp_cpu_release(held);
    return true;
}

void hmp_info_registers(Hmp *h, JsonObject *args)
{
    CR16CPU *cpu = hmp_cpu();
    g_autoptr(GString) dump = g_string_new(NULL);
    int64_t vcpu = hmp_arg_int(args, "vcpu", 0);
    bool held;

    if (hmp_arg_has(args, "vcpu") && vcpu != 0) {
        hmp_printf(h, "CPU#%" PRId64 " not available\n", vcpu);
        return;
    }
    if (!cpu) {
        hmp_printf(h, "No CPU available\n");
        return;
    }
    held = hmp_cpu_hold();
    cr16_cpu_dump_state(cpu, dump);
    hmp_cpu_release(held);
    if (hmp_arg_bool(args, "cpustate_all")) {
        hmp_printf(h, "\nCPU#0\n");
    }
    hmp_printf(h, "%s", dump->str);
}

/* ---- x / xp ---- */

/* Read len bytes at addr (CPU address or physical); false: not readable. */
static bool dump_read(CR16CPU *cpu, bool physical, uint64_t addr,
                      uint8_t *buf, uint32_t len)
{
    if (physical) {
        address_space_read(addr, buf, len);
        return true;
    }
    return cpu && cr16_cpu_read_debug(cpu, addr, buf, len);
}

static void dump_addr(Hmp *h, bool physical, uint64_t addr)
{
    if (physical) {
        hmp_printf(h, "%016" PRIx64 ":", addr);
    } else {
        hmp_printf(h, "%08" PRIx64 ":", addr & 0xffffffff);
    }
}

static void dump_char(Hmp *h, unsigned c)
{
    switch (c) {
    case '\'':
        hmp_printf(h, "'\\''");
        break;
    case '\\':
        hmp_printf(h, "'\\\\'");
        break;
    case '\n':
        hmp_printf(h, "'\\n'");
        break;
    case '\r':
        hmp_printf(h, "'\\r'");
        break;
    default:
        if (c >= 32 && c <= 126) {
            hmp_printf(h, "'%c'", c);
        } else {
            hmp_printf(h, "'\\x%02x'", c);
        }
        break;
    }
}

static void dump_insns(Hmp *h, CR16CPU *cpu, bool physical, uint64_t addr,
                       int64_t count)
{
    for (int64_t n = 0; n < count; n++) {
        uint8_t bytes[6];
        uint16_t words[3];
        char text[128];
        unsigned len;

        if (!dump_read(cpu, physical, addr, bytes, sizeof(bytes))) {
            hmp_printf(h, "Cannot access memory\n");
            return;
        }
        for (int i = 0; i < 3; i++) {
            words[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
        }
        len = cr16_disas(addr, words, 3, text, sizeof(text));
        hmp_printf(h, "0x%08" PRIx64 ":  %s\n", addr, text);
        addr += len ? len : 2;
    }
}

static void memory_dump(Hmp *h, JsonObject *args, bool physical)
{
    CR16CPU *cpu = hmp_cpu();
    int64_t count = hmp_arg_int(args, "count", 1);
    char format = hmp_arg_str(args, "format")[0];
    int wsize = hmp_arg_int(args, "size", 4);
    uint64_t addr = hmp_arg_int(args, "addr", 0);
    int line_size, digits;
    uint64_t len;
    bool held;

    if (!physical && !cpu) {
        hmp_printf(h, "No CPU available\n");
        return;
    }
    if (count <= 0) {
        return;
    }
    /* A few MiB at most: the output is text in memory. */
    count = MIN(count, 65536);
    held = hmp_cpu_hold();
    if (format == 'i') {
        dump_insns(h, cpu, physical, addr, count);
        hmp_cpu_release(held);
        return;
    }
    if (format == 'c') {
        wsize = 1;
    }
    line_size = wsize == 1 ? 8 : 16;
    switch (format) {
    case 'o':
        digits = (wsize * 8 + 2) / 3;
        break;
    case 'u':
    case 'd':
        digits = (wsize * 8 * 10 + 32) / 33;
        break;
    default:
        digits = wsize * 2;
        break;
    }
    len = (uint64_t)count * wsize;
    while (len > 0) {
        uint8_t buf[16];
        int l = MIN(len, (uint64_t)line_size);

        dump_addr(h, physical, addr);
        if (!dump_read(cpu, physical, addr, buf, l)) {
            hmp_printf(h, " Cannot access memory\n");
            break;
        }
        for (int i = 0; i < l; i += wsize) {
            uint64_t v = 0;

            for (int b = wsize - 1; b >= 0; b--) {
                v = (v << 8) | buf[i + b];      /* little-endian */
            }
            hmp_printf(h, " ");
            switch (format) {
            case 'o':
                hmp_printf(h, "%#*" PRIo64, digits, v);
                break;
            case 'u':
                hmp_printf(h, "%*" PRIu64, digits, v);
                break;
            case 'd': {
                int shift = 64 - wsize * 8;
                int64_t sv = shift ? (int64_t)(v << shift) >> shift
                                   : (int64_t)v;

                hmp_printf(h, "%*" PRId64, digits, sv);
                break;
            }
            case 'c':
                dump_char(h, v);
                break;
            default:
                hmp_printf(h, "0x%0*" PRIx64, digits, v);
                break;
            }
        }
        hmp_printf(h, "\n");
        addr += l;
        len -= l;
    }
    hmp_cpu_release(held);
}

void hmp_memory_dump(Hmp *h, JsonObject *args)
{
    memory_dump(h, args, false);
}

void hmp_physical_memory_dump(Hmp *h, JsonObject *args)
{
    memory_dump(h, args, true);
}

/* ---- info mtree ---- */

typedef struct MtreeWalk {
    Hmp *h;
    bool owner;
    const char *indent;
} MtreeWalk;

static void mtree_one(hwaddr base, uint64_t size, RAMBlock *rb,
                      const char *name, void *opaque)
{
    MtreeWalk *w = opaque;

    hmp_printf(w->h, "%s%016" PRIx64 "-%016" PRIx64 " (prio 0, %s): %s",
               w->indent, (uint64_t)base, (uint64_t)(base + size - 1),
               rb ? "ram" : "i/o", name);
    if (w->owner) {
        hmp_printf(w->h, " owner:{%s}", rb ? "ram-block" : "device");
    }
    hmp_printf(w->h, "\n");
}

void hmp_info_mtree(Hmp *h, JsonObject *args)
{
    MtreeWalk w = { h, hmp_arg_bool(args, "owner"), "    " };

    if (hmp_arg_bool(args, "flatview")) {
        /* One address space, and its view is already flat. */
        hmp_printf(h, "FlatView #0\n AS \"memory\", root: system\n"
                      " Root memory region: system\n");
        w.indent = "  ";
        memory_foreach_mapping(mtree_one, &w);
        hmp_printf(h, "\n");
        return;
    }
    hmp_printf(h, "address-space: memory\n"
                  "  0000000000000000-ffffffffffffffff (prio 0, i/o): "
                  "system\n");
    memory_foreach_mapping(mtree_one, &w);
    hmp_printf(h, "\n");
}
