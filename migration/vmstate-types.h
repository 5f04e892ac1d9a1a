/*
 * The element codec behind the VMStateInfo table (private to migration/):
 * the engine in vmstate.c calls these for every non-struct element.
 */
#ifndef MIGRATION_VMSTATE_TYPES_H
#define MIGRATION_VMSTATE_TYPES_H

#include "migration/vmstate.h"

/* Write one element of `size` bytes at pv (bitmaps: `size` bits). */
bool vmstate_info_put(QEMUFile *f, const VMStateInfo *info, void *pv,
                      size_t size, const VMStateField *field, GError **errp);
/* Read one element into pv; *_EQUAL and int32 le compare against the
 * value already in pv. False with errp set on a mismatch or file error. */
bool vmstate_info_get(QEMUFile *f, const VMStateInfo *info, void *pv,
                      size_t size, const VMStateField *field, GError **errp);
/* Host bytes an element of `size` occupies (a bitmap's size is bits). */
size_t vmstate_info_wire_size(const VMStateInfo *info, size_t size);

#endif /* MIGRATION_VMSTATE_TYPES_H */
