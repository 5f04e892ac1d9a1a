/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMState engine: walks a VMStateDescription to save a structure in
 * QEMU's stream encoding, to load it back, and (while saving) to describe
 * what it wrote as JSON (spec/migration-wire-format.md 2.2-2.8).
 *
 * Save and load share the per-field geometry (does the field exist, how
 * many elements, how big, where) so both directions walk the table the
 * same way; only the element step differs.
 */
#include "qemu/osdep.h"

#include "migration/vmstate.h"
#include "migration/qemu-file.h"
#include "migration/savevm.h"
#include "migration/vmstate-types.h"
#include "qapi/error.h"
#include "qobject/json-writer.h"

/* ---- field geometry ---- */

static bool field_exists(const VMStateField *field, void *opaque,
                         int version_id)
{
    if (field->field_exists) {
        return field->field_exists(opaque, version_id);
    }
    return field->version_id <= version_id;
}

/*
 * Element count n (wire-format 2.2 step 2). Counts come from members the
 * stream may have just written, so they are checked against the
 * description when one says how much room there is.
 */
static bool field_count(const VMStateField *field, void *opaque, size_t *n,
                        GError **errp)
{
    const void *cnt = (const uint8_t *)opaque + field->num_offset;
    bool variable = true;
    int64_t count;

    if (field->flags & VMS_ARRAY) {
        count = field->num;
        variable = false;
    } else if (field->flags & VMS_VARRAY_INT32) {
        count = *(const int32_t *)cnt;
    } else if (field->flags & VMS_VARRAY_UINT32) {
        count = *(const uint32_t *)cnt;
    } else if (field->flags & VMS_VARRAY_UINT16) {
        count = *(const uint16_t *)cnt;
    } else if (field->flags & VMS_VARRAY_UINT8) {
        count = *(const uint8_t *)cnt;
    } else {
        count = 1;
        variable = false;
    }
    if (count < 0) {
        error_setg(errp, "negative element count %" PRId64, count);
        return false;
    }
    if (field->flags & VMS_MULTIPLY_ELEMENTS) {
        count *= field->num;
    } else if (variable && field->num && count > field->num) {
        error_setg(errp, "element count %" PRId64
                   " exceeds the array's %d elements", count, field->num);
        return false;
    }
    *n = count;
    return true;
}

/* Element size s (step 3); for a bitmap, its number of bits. */
static bool field_size(const VMStateField *field, void *opaque, size_t *s,
                       GError **errp)
{
    if (field->flags & VMS_VBUFFER) {
        /* QEMU keeps buffer sizes in int32 members (uint32 ones are read
         * the same way); a "negative" size is garbage from the stream. */
        int32_t v = *(const int32_t *)((const uint8_t *)opaque +
                                       field->size_offset);
        uint64_t size = v < 0 ? UINT64_MAX : (uint64_t)v;
        size_t max = field->alloc_max ? field->alloc_max : VMSTATE_ALLOC_MAX;

        if (field->flags & VMS_MULTIPLY) {
            size = size == UINT64_MAX ? size : size * field->size;
        }
        if (size > max) {
            error_setg(errp, "buffer size %" PRId32 " is out of range "
                       "(at most %zu bytes)", v, max);
            return false;
        }
        *s = size;
        return true;
    }
    *s = field->size;
    return true;
}

typedef struct FieldGeom {
    size_t n;           /* elements */
    size_t size;        /* bytes per element (bitmap: bits) */
    uint8_t *base;      /* first element, NULL for a NULL pointer member */
} FieldGeom;

static bool field_geometry(const VMStateField *field, void *opaque,
                           bool loading, FieldGeom *g, GError **errp)
{
    uint8_t *member = (uint8_t *)opaque + field->offset;

    if (!field_count(field, opaque, &g->n, errp) ||
        !field_size(field, opaque, &g->size, errp)) {
        return false;
    }
    if (!(field->flags & VMS_POINTER)) {
        g->base = member;
        return true;
    }
    if (loading && (field->flags & VMS_ALLOC)) {
        size_t max = field->alloc_max ? field->alloc_max : VMSTATE_ALLOC_MAX;
        size_t elem = field->info
                      ? vmstate_info_wire_size(field->info, g->size)
                      : g->size;
        void *p = NULL;

        if (elem && g->n > max / elem) {
            error_setg(errp, "%zu elements of %zu bytes exceed the "
                       "allocation limit of %zu bytes", g->n, elem, max);
            return false;
        }
        if (g->n && elem) {
            p = g_try_malloc0(g->n * elem);
            if (!p) {
                error_setg(errp, "cannot allocate %zu bytes", g->n * elem);
                return false;
            }
        }
        /* The engine owns VMS_ALLOC storage: replace, never leak. */
        g_free(*(void **)member);
        *(void **)member = p;
    }
    g->base = *(uint8_t **)member;
    if (g->base) {
        g->base += field->start;
    }
    return true;
}

/* Element i, or NULL when it is (or sits behind) a NULL pointer. */
static void *field_element(const VMStateField *field, const FieldGeom *g,
                           size_t i)
{
    if (field->flags & VMS_ARRAY_OF_POINTER) {
        /* The array holds pointers: stride is the pointer size. */
        return g->base ? ((void **)g->base)[i] : NULL;
    }
    return g->base ? g->base + i * g->size : NULL;
}

/* ---- JSON description (wire-format 2.8) ---- */

static bool field_can_compress(const VMStateField *field)
{
    if (field->field_exists) {
        return false;
    }
    if (field->flags & VMS_STRUCT) {
        const VMStateDescription *d = field->vmsd;

        if (d->subsections && d->subsections[0]) {
            return false;
        }
        for (const VMStateField *sf = d->fields; sf && sf->name; sf++) {
            if (!field_can_compress(sf)) {
                return false;
            }
        }
    }
    return true;
}

/* "<name>[k]" when several fields of vmsd share the name, else NULL. */
static char *field_unique_name(const VMStateDescription *vmsd,
                               const VMStateField *field)
{
    int count = 0, index = 0;

    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        if (!strcmp(f->name, field->name)) {
            if (f == field) {
                index = count;
            }
            count++;
        }
    }
    return count > 1 ? g_strdup_printf("%s[%d]", field->name, index) : NULL;
}

static const char *field_type_name(const VMStateField *field, bool is_null)
{
    if (is_null) {
        return "nullptr";
    }
    if (field->flags & VMS_STRUCT) {
        return "struct";
    }
    if (field->flags & VMS_VSTRUCT) {
        return "vstruct";
    }
    return field->info->name;
}

static void desc_field_start(JsonWriter *w, const VMStateDescription *vmsd,
                             const VMStateField *field, bool is_null,
                             size_t index, size_t run, bool compress)
{
    g_autofree char *unique = field_unique_name(vmsd, field);

    json_writer_start_object(w, NULL);
    json_writer_str(w, "name", unique ? unique : field->name);
    if (run > 1) {
        if (compress) {
            json_writer_int64(w, "array_len", run);
        } else {
            json_writer_int64(w, "index", index);
        }
    }
    json_writer_str(w, "type", field_type_name(field, is_null));
    if (!is_null && (field->flags & VMS_STRUCT)) {
        json_writer_start_object(w, "struct");
    }
}

static void desc_field_end(JsonWriter *w, const VMStateField *field,
                           bool is_null, uint64_t written)
{
    if (!is_null && (field->flags & VMS_STRUCT)) {
        json_writer_end_object(w);
    }
    json_writer_int64(w, "size", written);
    json_writer_end_object(w);
}

/* ---- saving ---- */

static bool save_element(QEMUFile *f, const VMStateField *field, void *elem,
                         size_t size, JsonWriter *vmdesc, GError **errp)
{
    if (!elem && size) {
        qemu_put_byte(f, VMS_NULLPTR_MARKER);
        return true;
    }
    if (field->flags & VMS_STRUCT) {
        return vmstate_save_state(f, field->vmsd, elem, vmdesc, errp);
    }
    if (field->flags & VMS_VSTRUCT) {
        return vmstate_save_state_v(f, field->vmsd, elem, vmdesc,
                                    field->struct_version_id, errp);
    }
    return vmstate_info_put(f, field->info, elem, size, field, errp);
}

static bool save_field(QEMUFile *f, const VMStateDescription *vmsd,
                       const VMStateField *field, void *opaque,
                       JsonWriter *vmdesc, GError **errp)
{
    bool compress = field_can_compress(field);
    size_t described_to = 0;
    FieldGeom g;

    if (!field_geometry(field, opaque, false, &g, errp)) {
        return false;
    }
    for (size_t i = 0; i < g.n; i++) {
        void *elem = field_element(field, &g, i);
        bool is_null = !elem && g.size;
        JsonWriter *d = NULL;
        uint64_t before = qemu_file_transferred(f);
        size_t run = g.n - i;

        /* A compressible array is described once per run of elements
         * (runs of equal NULL-ness for arrays of pointers). */
        if (vmdesc && (!compress || i >= described_to)) {
            d = vmdesc;
            if (compress && (field->flags & VMS_ARRAY_OF_POINTER)) {
                size_t j = i + 1;

                while (j < g.n && (!field_element(field, &g, j) && g.size)
                                  == is_null) {
                    j++;
                }
                run = j - i;
            }
            described_to = i + run;
            desc_field_start(d, vmsd, field, is_null, i, run, compress);
        }
        if (!save_element(f, field, elem, g.size, d, errp)) {
            /* Keep the JSON balanced; the caller discards it anyway. */
            if (d) {
                desc_field_end(d, field, is_null, 0);
            }
            if (g.n > 1) {
                error_prepend(errp, "element %zu: ", i);
            }
            return false;
        }
        if (d) {
            desc_field_end(d, field, is_null,
                           qemu_file_transferred(f) - before);
        }
    }
    return true;
}

static bool save_subsections(QEMUFile *f, const VMStateDescription *vmsd,
                             void *opaque, JsonWriter *vmdesc, GError **errp)
{
    bool any = false, ok = true;

    for (int i = 0; ok && vmsd->subsections && vmsd->subsections[i]; i++) {
        const VMStateDescription *sub = vmsd->subsections[i];

        if (!vmstate_section_needed(sub, opaque)) {
            continue;
        }
        if (vmdesc) {
            if (!any) {
                json_writer_start_list(vmdesc, "subsections");
            }
            json_writer_start_object(vmdesc, NULL);
        }
        any = true;
        qemu_put_byte(f, QEMU_VM_SUBSECTION);
        qemu_put_counted_string(f, sub->name);
        qemu_put_be32(f, sub->version_id);
        ok = vmstate_save_state(f, sub, opaque, vmdesc, errp);
        if (!ok) {
            error_prepend(errp, "subsection '%s': ", sub->name);
        }
        if (vmdesc) {
            json_writer_end_object(vmdesc);
        }
    }
    if (any && vmdesc) {
        json_writer_end_list(vmdesc);
    }
    return ok;
}

bool vmstate_save_state_v(QEMUFile *f, const VMStateDescription *vmsd,
                          void *opaque, JsonWriter *vmdesc, int version_id,
                          GError **errp)
{
    bool ok = true;

    if (vmsd->pre_save) {
        GError *err = NULL;

        if (!vmsd->pre_save(opaque, &err)) {
            if (!err) {
                error_setg(&err, "failed");
            }
            error_propagate(errp, err);
            error_prepend(errp, "pre_save of '%s': ", vmsd->name);
            return false;
        }
    }
    if (vmdesc) {
        json_writer_str(vmdesc, "vmsd_name", vmsd->name);
        json_writer_int64(vmdesc, "version", version_id);
        json_writer_start_list(vmdesc, "fields");
    }
    for (const VMStateField *field = vmsd->fields;
         ok && field && field->name; field++) {
        if (!field_exists(field, opaque, version_id)) {
            if (field->flags & VMS_MUST_EXIST) {
                error_setg(errp, "Output state validation failed: %s/%s",
                           vmsd->name, field->name);
                ok = false;
            }
            continue;
        }
        if (!save_field(f, vmsd, field, opaque, vmdesc, errp)) {
            error_prepend(errp, "field '%s': ", field->name);
            ok = false;
        }
    }
    if (vmdesc) {
        json_writer_end_list(vmdesc);
    }
    if (ok) {
        ok = save_subsections(f, vmsd, opaque, vmdesc, errp);
    }
    /* post_save undoes what pre_save did, whatever happened between. */
    if (vmsd->post_save) {
        vmsd->post_save(opaque);
    }
    if (ok && qemu_file_get_error_obj(f, errp)) {
        ok = false;
    }
    return ok;
}

bool vmstate_save_state(QEMUFile *f, const VMStateDescription *vmsd,
                        void *opaque, JsonWriter *vmdesc, GError **errp)
{
    return vmstate_save_state_v(f, vmsd, opaque, vmdesc, vmsd->version_id,
                                errp);
}

bool vmstate_section_needed(const VMStateDescription *vmsd, void *opaque)
{
    return !vmsd->needed || vmsd->needed(opaque);
}

/* ---- loading ---- */

static bool load_element(QEMUFile *f, const VMStateField *field, void *elem,
                         size_t size, GError **errp)
{
    if (!elem && size) {
        int marker = qemu_get_byte(f);

        if (qemu_file_get_error_obj(f, errp)) {
            return false;
        }
        if (marker != VMS_NULLPTR_MARKER) {
            error_setg(errp, "expected the null-pointer marker 0x%02x, "
                       "got 0x%02x", VMS_NULLPTR_MARKER, marker);
            return false;
        }
        return true;
    }
    if (field->flags & VMS_STRUCT) {
        if (!vmstate_load_state(f, field->vmsd, elem,
                                field->vmsd->version_id, errp)) {
            error_prepend(errp, "struct '%s': ", field->vmsd->name);
            return false;
        }
        return true;
    }
    if (field->flags & VMS_VSTRUCT) {
        if (!vmstate_load_state(f, field->vmsd, elem,
                                field->struct_version_id, errp)) {
            error_prepend(errp, "struct '%s': ", field->vmsd->name);
            return false;
        }
        return true;
    }
    return vmstate_info_get(f, field->info, elem, size, field, errp);
}

static bool load_field(QEMUFile *f, const VMStateField *field, void *opaque,
                       GError **errp)
{
    FieldGeom g;

    if (!field_geometry(field, opaque, true, &g, errp)) {
        return false;
    }
    for (size_t i = 0; i < g.n; i++) {
        if (!load_element(f, field, field_element(field, &g, i), g.size,
                          errp)) {
            if (g.n > 1) {
                error_prepend(errp, "element %zu: ", i);
            }
            return false;
        }
        if (qemu_file_get_error_obj(f, errp)) {
            return false;
        }
    }
    return true;
}

static const VMStateDescription *find_subsection(
    const VMStateDescription *vmsd, const char *name)
{
    for (int i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        if (!strcmp(vmsd->subsections[i]->name, name)) {
            return vmsd->subsections[i];
        }
    }
    return NULL;
}

/*
 * Subsections follow the fields until a byte that does not start one of
 * ours (wire-format 2.6): a subsection marker whose name does not begin
 * with our name belongs to an enclosing description, so we stop and leave
 * it unread.
 */
static bool load_subsections(QEMUFile *f, const VMStateDescription *vmsd,
                             void *opaque, GError **errp)
{
    size_t prefix = strlen(vmsd->name);

    for (;;) {
        char name[256];
        uint8_t *peeked;
        const VMStateDescription *sub;
        int len, version_id;

        if (qemu_peek_byte(f, 0) != QEMU_VM_SUBSECTION) {
            break;
        }
        len = qemu_peek_byte(f, 1);
        if (len < 0 || (size_t)len < prefix + 1) {
            break;
        }
        if (qemu_peek_buffer(f, &peeked, len, 2) != (size_t)len) {
            break;
        }
        memcpy(name, peeked, len);
        name[len] = 0;
        if (strncmp(vmsd->name, name, prefix)) {
            break;
        }
        sub = find_subsection(vmsd, name);
        if (!sub) {
            error_setg(errp, "VM subsection '%s' in '%s' does not exist",
                       name, vmsd->name);
            return false;
        }
        qemu_file_skip(f, 2 + len);
        /* QEMU's loader keeps the version in 8 bits (wire-format 2.6). */
        version_id = (uint8_t)qemu_get_be32(f);
        if (qemu_file_get_error_obj(f, errp)) {
            return false;
        }
        if (!vmstate_load_state(f, sub, opaque, version_id, errp)) {
            error_prepend(errp, "subsection '%s': ", sub->name);
            return false;
        }
    }
    return qemu_file_get_error_obj(f, errp) == 0;
}

/* Run a hook that may fail without saying why; always leave a message. */
static bool hook_failed(GError **errp, GError *err, const char *what,
                        const char *name)
{
    if (!err) {
        error_setg(&err, "failed");
    }
    error_propagate(errp, err);
    error_prepend(errp, "%s of '%s': ", what, name);
    return false;
}

bool vmstate_load_state(QEMUFile *f, const VMStateDescription *vmsd,
                        void *opaque, int version_id, GError **errp)
{
    GError *err = NULL;

    if (version_id > vmsd->version_id) {
        error_setg(errp, "%s: incoming version_id %d is too new for local "
                   "version_id %d", vmsd->name, version_id,
                   vmsd->version_id);
        return false;
    }
    if (version_id < vmsd->minimum_version_id) {
        error_setg(errp, "%s: incoming version_id %d is too old for local "
                   "minimum version_id %d", vmsd->name, version_id,
                   vmsd->minimum_version_id);
        return false;
    }
    if (vmsd->pre_load && !vmsd->pre_load(opaque, &err)) {
        return hook_failed(errp, err, "pre_load", vmsd->name);
    }
    for (const VMStateField *field = vmsd->fields; field && field->name;
         field++) {
        if (!field_exists(field, opaque, version_id)) {
            if (field->flags & VMS_MUST_EXIST) {
                error_setg(errp, "Input validation failed: %s/%s",
                           vmsd->name, field->name);
                return false;
            }
            continue;
        }
        if (!load_field(f, field, opaque, errp)) {
            error_prepend(errp, "field '%s': ", field->name);
            return false;
        }
    }
    if (!load_subsections(f, vmsd, opaque, errp)) {
        return false;
    }
    if (vmsd->post_load && !vmsd->post_load(opaque, version_id, &err)) {
        return hook_failed(errp, err, "post_load", vmsd->name);
    }
    return true;
}
