/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerator types in the QOM type tree ("accel" and its
 * "<name>-accel" subtypes), so that qom-list-types with
 * {"implements": "accel"} reports them (qtest.md 1.10). The choice of
 * accelerator itself lives in system/accel-select.c.
 */
#include "qemu/osdep.h"

#include "qom/object.h"

#define TYPE_ACCEL "accel"

static const TypeInfo accel_types[] = {
    {
        .name = TYPE_ACCEL,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .abstract = true,
    },
    { .name = "tcg-accel", .parent = TYPE_ACCEL },
    { .name = "qtest-accel", .parent = TYPE_ACCEL },
    { .name = "kvm-accel", .parent = TYPE_ACCEL },
};

DEFINE_TYPES(accel_types)
