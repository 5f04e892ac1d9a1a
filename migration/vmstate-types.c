/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The element encoders VMState fields refer to. Each is a name (the JSON
 * "type" string of wire-format 2.3) and a kind that the engine switches on.
 */
#include "qemu/osdep.h"
#include "migration/vmstate.h"

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
