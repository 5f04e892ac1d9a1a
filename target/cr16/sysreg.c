/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C processor registers (ISA 1.2-1.4, 4.13): PSR write rules with
 * the user-mode stack banking, and lpr/spr register codes.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"

void cr16_psr_write(CR16CPU *cpu, uint32_t v)
{
    v &= CR16_PSR_MASK;
    if ((v ^ cpu->env.psr) & CR16_PSR_U) {
        /* sp is banked with USP while PSR.U = 1 (model: docs) */
        uint32_t t = cpu->env.r[15];

        cpu->env.r[15] = cpu->env.sp_banked;
        cpu->env.sp_banked = t;
    }
    cpu->env.psr = v;
}

static uint32_t usp_read(CR16CPU *cpu)
{
    return (cpu->env.psr & CR16_PSR_U) ? cpu->env.r[15] : cpu->env.sp_banked;
}

static void usp_write(CR16CPU *cpu, uint32_t v)
{
    v &= CR16_ADDR_MASK;
    if (cpu->env.psr & CR16_PSR_U) {
        cpu->env.r[15] = v;
    } else {
        cpu->env.sp_banked = v;
    }
}

/* Full 32-bit (or 16-bit) value of the register behind a code. */
static uint32_t preg_get32(CR16CPU *cpu, unsigned code)
{
    switch (code & ~1u) {
    case 0:
        return code & 1 ? cpu->env.dsr : cpu->env.dbs;
    case 2:
        return cpu->env.dcr;
    case 4:
        return cpu->env.car0;
    case 6:
        return cpu->env.car1;
    case 8:
        return code & 1 ? cpu->env.psr : cpu->env.cfg;
    case 10:
        return cpu->env.intbase;
    case 12:
        return cpu->env.isp;
    default:
        return usp_read(cpu);
    }
}

static void preg_set32(CR16CPU *cpu, unsigned code, uint32_t v)
{
    switch (code & ~1u) {
    case 0:
        if (code & 1) {
            cpu->env.dsr = v;
        } else {
            cpu->env.dbs = v;
        }
        break;
    case 2:
        cpu->env.dcr = v;
        break;
    case 4:
        cpu->env.car0 = v;
        break;
    case 6:
        cpu->env.car1 = v;
        break;
    case 8:
        if (code & 1) {
            cr16_psr_write(cpu, v);
        } else {
            cpu->env.cfg = v & CR16_CFG_MASK;
        }
        break;
    case 10:
        cpu->env.intbase = v & CR16_ADDR_MASK & ~1u;
        break;
    case 12:
        cpu->env.isp = v & CR16_ADDR_MASK;
        break;
    default:
        usp_write(cpu, v);
        break;
    }
}

/* 16-bit codes 0, 1, 8, 9 name whole 16-bit registers. */
static bool preg_is16(unsigned code)
{
    return code <= 1 || code == 8 || code == 9;
}

uint32_t cr16_preg_read(CR16CPU *cpu, unsigned code, bool dword)
{
    uint32_t v = preg_get32(cpu, code);

    if (dword || preg_is16(code)) {
        return v;
    }
    return code & 1 ? v >> 16 : v & 0xFFFF;
}

void cr16_preg_write(CR16CPU *cpu, unsigned code, bool dword, uint32_t v)
{
    if (!dword && !preg_is16(code)) {
        uint32_t old = preg_get32(cpu, code);

        v &= 0xFFFF;
        v = code & 1 ? (old & 0xFFFF) | v << 16 : (old & 0xFFFF0000u) | v;
    }
    preg_set32(cpu, code, v);
}
