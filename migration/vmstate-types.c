/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The element encoders VMState fields refer to. Each is a name (the JSON
 * "type" string of wire-format 2.3) and a kind that the codec below
 * switches on: one table of names, one function per direction.
 */
#include "qemu/osdep.h"

#include "migration/vmstate.h"
#include "migration/qemu-file.h"
#include "migration/vmstate-types.h"
#include "qapi/error.h"
#include "qemu/timer.h"

#define VMSTATE_INFO(var, str, k) \
    const VMStateInfo var = { .name = (str), .kind = (k) }

VMSTATE_INFO(vmstate_info_bool, "bool", VMS_INFO_BOOL);
VMSTATE_INFO(vmstate_info_int8, "int8", VMS_INFO_INT8);
VMSTATE_INFO(vmstate_info_int16, "int16", VMS_INFO_INT16);
VMSTATE_INFO(vmstate_info_int32, "int32", VMS_INFO_INT32);
VMSTATE_INFO(vmstate_info_int64, "int64", VMS_INFO_INT64);
VMSTATE_INFO(vmstate_info_uint8, "uint8", VMS_INFO_UINT8);
VMSTATE_INFO(vmstate_info_uint16, "uint16", VMS_INFO_UINT16);
VMSTATE_INFO(vmstate_info_uint32, "uint32", VMS_INFO_UINT32);
VMSTATE_INFO(vmstate_info_uint64, "uint64", VMS_INFO_UINT64);
VMSTATE_INFO(vmstate_info_uint8_equal, "uint8 equal", VMS_INFO_UINT8_EQUAL);
VMSTATE_INFO(vmstate_info_uint16_equal, "uint16 equal", VMS_INFO_UINT16_EQUAL);
VMSTATE_INFO(vmstate_info_int32_equal, "int32 equal", VMS_INFO_INT32_EQUAL);
VMSTATE_INFO(vmstate_info_uint32_equal, "uint32 equal", VMS_INFO_UINT32_EQUAL);
/* QEMU names its uint64 equality type "int64 equal" in the JSON. */
VMSTATE_INFO(vmstate_info_uint64_equal, "int64 equal", VMS_INFO_UINT64_EQUAL);
VMSTATE_INFO(vmstate_info_int32_le, "int32 le", VMS_INFO_INT32_LE);
VMSTATE_INFO(vmstate_info_buffer, "buffer", VMS_INFO_BUFFER);
VMSTATE_INFO(vmstate_info_unused_buffer, "unused_buffer", VMS_INFO_UNUSED_BUFFER);
VMSTATE_INFO(vmstate_info_bitmap, "bitmap", VMS_INFO_BITMAP);
VMSTATE_INFO(vmstate_info_timer, "timer", VMS_INFO_TIMER);

#define TIMER_NOT_ARMED UINT64_MAX
#define ULONG_BITS      (sizeof(unsigned long) * 8)

/* Bit k of a host bitmap is bit k % 64 of wire word k / 64. */
static uint64_t bitmap_word(const unsigned long *bmp, size_t w)
{
    uint64_t v = 0;

    for (size_t i = 0; i < 64 / ULONG_BITS; i++) {
        v |= (uint64_t)bmp[w * (64 / ULONG_BITS) + i] << (i * ULONG_BITS);
    }
    return v;
}

static void bitmap_set_word(unsigned long *bmp, size_t w, uint64_t v)
{
    for (size_t i = 0; i < 64 / ULONG_BITS; i++) {
        bmp[w * (64 / ULONG_BITS) + i] = (unsigned long)(v >> (i * ULONG_BITS));
    }
}

bool vmstate_info_put(QEMUFile *f, const VMStateInfo *info, void *pv,
                      size_t size, const VMStateField *field, GError **errp)
{
    switch (info->kind) {
    case VMS_INFO_BOOL:
        qemu_put_byte(f, *(bool *)pv);
        break;
    case VMS_INFO_INT8:
    case VMS_INFO_UINT8:
    case VMS_INFO_UINT8_EQUAL:
        qemu_put_byte(f, *(uint8_t *)pv);
        break;
    case VMS_INFO_INT16:
    case VMS_INFO_UINT16:
    case VMS_INFO_UINT16_EQUAL:
        qemu_put_be16(f, *(uint16_t *)pv);
        break;
    case VMS_INFO_INT32:
    case VMS_INFO_UINT32:
    case VMS_INFO_INT32_EQUAL:
    case VMS_INFO_UINT32_EQUAL:
    case VMS_INFO_INT32_LE:
        qemu_put_be32(f, *(uint32_t *)pv);
        break;
    case VMS_INFO_INT64:
    case VMS_INFO_UINT64:
    case VMS_INFO_UINT64_EQUAL:
        qemu_put_be64(f, *(uint64_t *)pv);
        break;
    case VMS_INFO_BUFFER:
        qemu_put_buffer(f, pv, size);
        break;
    case VMS_INFO_UNUSED_BUFFER: {
        static const uint8_t zeros[256];

        for (size_t done = 0; done < size; done += sizeof(zeros)) {
            qemu_put_buffer(f, zeros, MIN(sizeof(zeros), size - done));
        }
        break;
    }
    case VMS_INFO_BITMAP:
        for (size_t w = 0; w < DIV_ROUND_UP(size, 64); w++) {
            qemu_put_be64(f, bitmap_word(pv, w));
        }
        break;
    case VMS_INFO_TIMER: {
        QEMUTimer *t = pv;

        qemu_put_be64(f, timer_pending(t) ? (uint64_t)timer_expire_time_ns(t)
                                          : TIMER_NOT_ARMED);
        break;
    }
    case VMS_INFO_CUSTOM:
        return info->put(f, pv, size, field, errp);
    }
    return true;
}

/* Fails with the file's own error when the read before ran dry. */
static bool read_ok(QEMUFile *f, GError **errp)
{
    return qemu_file_get_error_obj(f, errp) == 0;
}

bool vmstate_info_get(QEMUFile *f, const VMStateInfo *info, void *pv,
                      size_t size, const VMStateField *field, GError **errp)
{
    switch (info->kind) {
    case VMS_INFO_BOOL:
        *(bool *)pv = qemu_get_byte(f) != 0;
        break;
    case VMS_INFO_INT8:
    case VMS_INFO_UINT8:
        *(uint8_t *)pv = qemu_get_byte(f);
        break;
    case VMS_INFO_INT16:
    case VMS_INFO_UINT16:
        *(uint16_t *)pv = qemu_get_be16(f);
        break;
    case VMS_INFO_INT32:
    case VMS_INFO_UINT32:
        *(uint32_t *)pv = qemu_get_be32(f);
        break;
    case VMS_INFO_INT64:
    case VMS_INFO_UINT64:
        *(uint64_t *)pv = qemu_get_be64(f);
        break;
    case VMS_INFO_UINT8_EQUAL: {
        uint8_t v = qemu_get_byte(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v != *(uint8_t *)pv) {
            error_setg(errp, "%" PRIx8 " != %" PRIx8, *(uint8_t *)pv, v);
            return false;
        }
        break;
    }
    case VMS_INFO_UINT16_EQUAL: {
        uint16_t v = qemu_get_be16(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v != *(uint16_t *)pv) {
            error_setg(errp, "%" PRIx16 " != %" PRIx16, *(uint16_t *)pv, v);
            return false;
        }
        break;
    }
    case VMS_INFO_INT32_EQUAL: {
        int32_t v = (int32_t)qemu_get_be32(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v != *(int32_t *)pv) {
            error_setg(errp, "%" PRId32 " != %" PRId32, *(int32_t *)pv, v);
            return false;
        }
        break;
    }
    case VMS_INFO_UINT32_EQUAL: {
        uint32_t v = qemu_get_be32(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v != *(uint32_t *)pv) {
            error_setg(errp, "%" PRIx32 " != %" PRIx32, *(uint32_t *)pv, v);
            return false;
        }
        break;
    }
    case VMS_INFO_UINT64_EQUAL: {
        uint64_t v = qemu_get_be64(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v != *(uint64_t *)pv) {
            error_setg(errp, "%" PRIx64 " != %" PRIx64, *(uint64_t *)pv, v);
            return false;
        }
        break;
    }
    case VMS_INFO_INT32_LE: {
        int32_t v = (int32_t)qemu_get_be32(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v < 0 || v > *(int32_t *)pv) {
            error_setg(errp, "Invalid value %" PRId32
                       " expecting positive value <= %" PRId32,
                       v, *(int32_t *)pv);
            return false;
        }
        *(int32_t *)pv = v;
        break;
    }
    case VMS_INFO_BUFFER:
        qemu_get_buffer(f, pv, size);
        break;
    case VMS_INFO_UNUSED_BUFFER:
        qemu_file_skip(f, size);
        break;
    case VMS_INFO_BITMAP:
        for (size_t w = 0; w < DIV_ROUND_UP(size, 64); w++) {
            uint64_t v = qemu_get_be64(f);

            if (!read_ok(f, errp)) {
                return false;
            }
            bitmap_set_word(pv, w, v);
        }
        break;
    case VMS_INFO_TIMER: {
        uint64_t v = qemu_get_be64(f);

        if (!read_ok(f, errp)) {
            return false;
        }
        if (v == TIMER_NOT_ARMED) {
            timer_del(pv);
        } else if (v > INT64_MAX) {
            error_setg(errp, "timer deadline 0x%" PRIx64 " out of range", v);
            return false;
        } else {
            timer_mod(pv, (int64_t)v);
        }
        break;
    }
    case VMS_INFO_CUSTOM:
        return info->get(f, pv, size, field, errp);
    }
    return read_ok(f, errp);
}

size_t vmstate_info_wire_size(const VMStateInfo *info, size_t size)
{
    /* Only the bitmap's wire size differs from its element size. */
    return info->kind == VMS_INFO_BITMAP ? DIV_ROUND_UP(size, 64) * 8 : size;
}
