/*
 * VMState: device and CPU state described as tables that one engine walks
 * to save and load it in QEMU's stream encoding
 * (spec/migration-wire-format.md section 2).
 *
 * A model declares a VMStateDescription with a list of fields built from
 * the VMSTATE_* macros below; offsets and member types are checked at
 * compile time. Nothing else about a device's migration is hand-written.
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef struct QEMUFile QEMUFile;
typedef struct VMStateField VMStateField;
typedef struct VMStateDescription VMStateDescription;

/* How an element is encoded on the wire (wire-format 2.3). */
typedef enum VMStateInfoKind {
    VMS_INFO_BOOL,
    VMS_INFO_INT8, VMS_INFO_INT16, VMS_INFO_INT32, VMS_INFO_INT64,
    VMS_INFO_UINT8, VMS_INFO_UINT16, VMS_INFO_UINT32, VMS_INFO_UINT64,
    VMS_INFO_UINT8_EQUAL, VMS_INFO_UINT16_EQUAL, VMS_INFO_INT32_EQUAL,
    VMS_INFO_UINT32_EQUAL, VMS_INFO_UINT64_EQUAL, VMS_INFO_INT32_LE,
    VMS_INFO_BUFFER, VMS_INFO_UNUSED_BUFFER, VMS_INFO_BITMAP,
    VMS_INFO_TIMER,
    VMS_INFO_CUSTOM,        /* get/put hooks below */
} VMStateInfoKind;

/* An element encoder. `name` is the JSON "type" string. */
typedef struct VMStateInfo {
    const char *name;
    VMStateInfoKind kind;
    /* VMS_INFO_CUSTOM only: read/write `size` bytes of element pv. */
    bool (*get)(QEMUFile *f, void *pv, size_t size, const VMStateField *field,
                GError **errp);
    bool (*put)(QEMUFile *f, void *pv, size_t size, const VMStateField *field,
                GError **errp);
} VMStateInfo;

extern const VMStateInfo vmstate_info_bool;
extern const VMStateInfo vmstate_info_int8;
extern const VMStateInfo vmstate_info_int16;
extern const VMStateInfo vmstate_info_int32;
extern const VMStateInfo vmstate_info_int64;
extern const VMStateInfo vmstate_info_uint8;
extern const VMStateInfo vmstate_info_uint16;
extern const VMStateInfo vmstate_info_uint32;
extern const VMStateInfo vmstate_info_uint64;
extern const VMStateInfo vmstate_info_uint8_equal;
extern const VMStateInfo vmstate_info_uint16_equal;
extern const VMStateInfo vmstate_info_int32_equal;
extern const VMStateInfo vmstate_info_uint32_equal;
extern const VMStateInfo vmstate_info_uint64_equal;
extern const VMStateInfo vmstate_info_int32_le;
extern const VMStateInfo vmstate_info_buffer;
extern const VMStateInfo vmstate_info_unused_buffer;
extern const VMStateInfo vmstate_info_bitmap;
extern const VMStateInfo vmstate_info_timer;

/* Field flags; values are QEMU's (wire-format 2.2). */
enum VMStateFlags {
    VMS_SINGLE           = 0x001,
    VMS_POINTER          = 0x002,
    VMS_ARRAY            = 0x004,
    VMS_STRUCT           = 0x008,
    VMS_VARRAY_INT32     = 0x010,
    VMS_BUFFER           = 0x020,
    VMS_ARRAY_OF_POINTER = 0x040,
    VMS_VARRAY_UINT16    = 0x080,
    VMS_VBUFFER          = 0x100,
    VMS_MULTIPLY         = 0x200,
    VMS_VARRAY_UINT8     = 0x400,
    VMS_VARRAY_UINT32    = 0x800,
    VMS_MUST_EXIST       = 0x1000,
    VMS_ALLOC            = 0x2000,
    VMS_MULTIPLY_ELEMENTS = 0x4000,
    VMS_VSTRUCT          = 0x8000,
    VMS_END              = 0x10000,
};

struct VMStateField {
    const char *name;
    size_t offset;
    size_t size;                /* bytes per element */
    size_t start;               /* partial buffers: first byte */
    int num;                    /* VMS_ARRAY element count */
    size_t num_offset;          /* VARRAY: offset of the count member */
    size_t size_offset;         /* VBUFFER: offset of the size member */
    const VMStateInfo *info;
    enum VMStateFlags flags;
    const VMStateDescription *vmsd;   /* VMS_STRUCT / VMS_VSTRUCT */
    int version_id;
    int struct_version_id;
    bool (*field_exists)(void *opaque, int version_id);
    /*
     * Loading only. VARRAY kinds: `num`, when non-zero, is the capacity of
     * the array the count member sizes (an inline array); a larger count
     * from the stream fails the load. VMS_ALLOC: the most bytes the
     * stream may make the engine allocate (0: VMSTATE_ALLOC_MAX).
     */
    size_t alloc_max;
};

/* Default bound of a VMS_ALLOC allocation driven by stream values. */
#define VMSTATE_ALLOC_MAX   (256u * 1024 * 1024)
/* The marker a NULL element pointer is written as (wire-format 2.2). */
#define VMS_NULLPTR_MARKER  0x30

struct VMStateDescription {
    const char *name;
    int version_id;
    int minimum_version_id;
    int priority;
    bool unmigratable;
    bool early_setup;
    bool (*needed)(void *opaque);
    /*
     * Hooks (DESIGN.md 8): return false with errp set to fail the save or
     * load; the engine prefixes the section, field and version. post_load
     * validates everything it was given: stream values are untrusted.
     */
    bool (*pre_load)(void *opaque, GError **errp);
    bool (*post_load)(void *opaque, int version_id, GError **errp);
    bool (*pre_save)(void *opaque, GError **errp);
    void (*post_save)(void *opaque);
    const VMStateField *fields;
    const VMStateDescription * const *subsections;   /* NULL-terminated */
};

/* Order of top-level entries (wire-format 1.4); 0 in a description
 * means MIG_PRI_DEFAULT. */
typedef enum MigrationPriority {
    MIG_PRI_UNINITIALIZED = 0,
    MIG_PRI_LOW,
    MIG_PRI_DEFAULT,
    MIG_PRI_IOMMU,
    MIG_PRI_PCI_BUS,
    MIG_PRI_VIRTIO_MEM,
    MIG_PRI_APIC,
    MIG_PRI_GICV3_ITS,
    MIG_PRI_GICV3,
    MIG_PRI_MAX,
} MigrationPriority;

/* ---- the engine (migration/vmstate.c) ---- */

typedef struct JsonWriter JsonWriter;

/*
 * Write the body of vmsd for opaque at its version_id: pre_save, fields,
 * subsections (those whose `needed` says so), post_save. When vmdesc is
 * not NULL, the description members of wire-format 2.8 ("vmsd_name",
 * "version", "fields", "subsections") are written into the JSON object
 * the caller has open. Returns false with errp set (a failing pre_save,
 * custom put or post-save file error); errors name the field.
 */
bool vmstate_save_state(QEMUFile *f, const VMStateDescription *vmsd,
                        void *opaque, JsonWriter *vmdesc, GError **errp);
/* As above with an explicit version (VMS_VSTRUCT). */
bool vmstate_save_state_v(QEMUFile *f, const VMStateDescription *vmsd,
                          void *opaque, JsonWriter *vmdesc, int version_id,
                          GError **errp);
/*
 * Read a body encoded at version_id into opaque: version checks against
 * vmsd, pre_load, fields, subsections, post_load(version_id). Every count
 * and size taken from the stream is checked before use. Errors carry the
 * field / subsection path ("field 'regs': subsection 'x/y': ...").
 */
bool vmstate_load_state(QEMUFile *f, const VMStateDescription *vmsd,
                        void *opaque, int version_id, GError **errp);
/* Is the top-level entry sent at all (its `needed`, if any)? */
bool vmstate_section_needed(const VMStateDescription *vmsd, void *opaque);

/* ---- field macros ---- */

#define vmstate_offset_value(S, f, T) \
    (offsetof(S, f) + 0 * sizeof(type_check(T, __typeof__(((S *)0)->f))))
/* Pointer-to-array difference: only compiles when the member is T[n]. */
#define type_check_array(T, n, t2) ((T(*)[n])0 - (t2 *)0)
#define vmstate_offset_array(S, f, T, n) \
    (offsetof(S, f) + \
     0 * sizeof(type_check_array(T, n, __typeof__(((S *)0)->f))))
#define vmstate_offset_pointer(S, f, T) \
    (offsetof(S, f) + 0 * sizeof(type_check(T *, __typeof__(((S *)0)->f))))

#define VMSTATE_SINGLE_V(_f, _S, _v, _info, _T) {                     \
    .name = #_f, .version_id = (_v), .size = sizeof(_T),              \
    .info = &(_info), .flags = VMS_SINGLE,                            \
    .offset = vmstate_offset_value(_S, _f, _T),                       \
}
#define VMSTATE_ARRAY_V(_f, _S, _n, _v, _info, _T) {                  \
    .name = #_f, .version_id = (_v), .num = (_n),                     \
    .info = &(_info), .size = sizeof(_T), .flags = VMS_ARRAY,         \
    .offset = vmstate_offset_array(_S, _f, _T, _n),                   \
}

#define VMSTATE_BOOL_V(f, S, v)    VMSTATE_SINGLE_V(f, S, v, vmstate_info_bool, bool)
#define VMSTATE_INT8_V(f, S, v)    VMSTATE_SINGLE_V(f, S, v, vmstate_info_int8, int8_t)
#define VMSTATE_INT16_V(f, S, v)   VMSTATE_SINGLE_V(f, S, v, vmstate_info_int16, int16_t)
#define VMSTATE_INT32_V(f, S, v)   VMSTATE_SINGLE_V(f, S, v, vmstate_info_int32, int32_t)
#define VMSTATE_INT64_V(f, S, v)   VMSTATE_SINGLE_V(f, S, v, vmstate_info_int64, int64_t)
#define VMSTATE_UINT8_V(f, S, v)   VMSTATE_SINGLE_V(f, S, v, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_V(f, S, v)  VMSTATE_SINGLE_V(f, S, v, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_V(f, S, v)  VMSTATE_SINGLE_V(f, S, v, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_V(f, S, v)  VMSTATE_SINGLE_V(f, S, v, vmstate_info_uint64, uint64_t)

#define VMSTATE_BOOL(f, S)    VMSTATE_BOOL_V(f, S, 0)
#define VMSTATE_INT8(f, S)    VMSTATE_INT8_V(f, S, 0)
#define VMSTATE_INT16(f, S)   VMSTATE_INT16_V(f, S, 0)
#define VMSTATE_INT32(f, S)   VMSTATE_INT32_V(f, S, 0)
#define VMSTATE_INT64(f, S)   VMSTATE_INT64_V(f, S, 0)
#define VMSTATE_UINT8(f, S)   VMSTATE_UINT8_V(f, S, 0)
#define VMSTATE_UINT16(f, S)  VMSTATE_UINT16_V(f, S, 0)
#define VMSTATE_UINT32(f, S)  VMSTATE_UINT32_V(f, S, 0)
#define VMSTATE_UINT64(f, S)  VMSTATE_UINT64_V(f, S, 0)

#define VMSTATE_UINT8_EQUAL(f, S)  VMSTATE_SINGLE_V(f, S, 0, vmstate_info_uint8_equal, uint8_t)
#define VMSTATE_UINT32_EQUAL(f, S) VMSTATE_SINGLE_V(f, S, 0, vmstate_info_uint32_equal, uint32_t)
#define VMSTATE_UINT64_EQUAL(f, S) VMSTATE_SINGLE_V(f, S, 0, vmstate_info_uint64_equal, uint64_t)
#define VMSTATE_INT32_POSITIVE_LE(f, S) VMSTATE_SINGLE_V(f, S, 0, vmstate_info_int32_le, int32_t)

#define VMSTATE_BOOL_ARRAY(f, S, n)   VMSTATE_ARRAY_V(f, S, n, 0, vmstate_info_bool, bool)
#define VMSTATE_UINT8_ARRAY(f, S, n)  VMSTATE_ARRAY_V(f, S, n, 0, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_ARRAY(f, S, n) VMSTATE_ARRAY_V(f, S, n, 0, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_ARRAY(f, S, n) VMSTATE_ARRAY_V(f, S, n, 0, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_ARRAY(f, S, n) VMSTATE_ARRAY_V(f, S, n, 0, vmstate_info_uint64, uint64_t)
#define VMSTATE_INT32_ARRAY(f, S, n)  VMSTATE_ARRAY_V(f, S, n, 0, vmstate_info_int32, int32_t)

/* A fixed byte array member, raw on the wire. */
#define VMSTATE_BUFFER(_f, _S) {                                      \
    .name = #_f, .size = sizeof(((_S *)0)->_f),                       \
    .info = &vmstate_info_buffer, .flags = VMS_BUFFER,                \
    .offset = offsetof(_S, _f),                                       \
}

/* A heap buffer `_f` (uint8_t *) of `_size_f` (uint32_t member) bytes. */
#define VMSTATE_VBUFFER_ALLOC_UINT32(_f, _S, _v, _test, _size_f) {    \
    .name = #_f, .version_id = (_v), .field_exists = (_test),         \
    .size_offset = vmstate_offset_value(_S, _size_f, uint32_t),       \
    .info = &vmstate_info_buffer,                                     \
    .flags = VMS_VBUFFER | VMS_POINTER | VMS_ALLOC,                   \
    .offset = offsetof(_S, _f),                                       \
}

/* A uint32 count member followed by an array of that many uint8. */
#define VMSTATE_VARRAY_UINT32(_f, _S, _count_f, _v, _info, _T) {      \
    .name = #_f, .version_id = (_v),                                  \
    .num_offset = vmstate_offset_value(_S, _count_f, uint32_t),       \
    .info = &(_info), .size = sizeof(_T),                             \
    .flags = VMS_VARRAY_UINT32 | VMS_POINTER,                         \
    .offset = vmstate_offset_pointer(_S, _f, _T),                     \
}

/* A nested struct member described by _vmsd (encoded at its own version). */
#define VMSTATE_STRUCT(_f, _S, _v, _vmsd, _T) {                       \
    .name = #_f, .version_id = (_v), .vmsd = &(_vmsd),                \
    .size = sizeof(_T), .flags = VMS_STRUCT,                          \
    .offset = vmstate_offset_value(_S, _f, _T),                       \
}
#define VMSTATE_STRUCT_ARRAY(_f, _S, _n, _v, _vmsd, _T) {             \
    .name = #_f, .version_id = (_v), .num = (_n), .vmsd = &(_vmsd),   \
    .size = sizeof(_T), .flags = VMS_STRUCT | VMS_ARRAY,              \
    .offset = vmstate_offset_array(_S, _f, _T, _n),                   \
}

/* A QEMUTimer * member: its deadline (or "not armed") travels. */
#define VMSTATE_TIMER_PTR(_f, _S) {                                   \
    .name = #_f, .info = &vmstate_info_timer, .size = 8,              \
    .flags = VMS_SINGLE | VMS_POINTER,                                \
    .offset = vmstate_offset_pointer(_S, _f, QEMUTimer),              \
}

/* n filler bytes kept for stream compatibility. */
#define VMSTATE_UNUSED(_n) {                                          \
    .name = "unused", .size = (_n), .info = &vmstate_info_unused_buffer, \
    .flags = VMS_BUFFER,                                              \
}

/* ---- more field shapes (wire-format 2.4) ---- */

/* A single value present when test(opaque, version) says so. */
#define VMSTATE_SINGLE_TEST(_f, _S, _test, _info, _T) {               \
    .name = #_f, .field_exists = (_test), .size = sizeof(_T),         \
    .info = &(_info), .flags = VMS_SINGLE,                            \
    .offset = vmstate_offset_value(_S, _f, _T),                       \
}
#define VMSTATE_UINT32_TEST(f, S, t) \
    VMSTATE_SINGLE_TEST(f, S, t, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT8_TEST(f, S, t) \
    VMSTATE_SINGLE_TEST(f, S, t, vmstate_info_uint8, uint8_t)

#define VMSTATE_UINT16_EQUAL(f, S) VMSTATE_SINGLE_V(f, S, 0, vmstate_info_uint16_equal, uint16_t)
#define VMSTATE_INT32_EQUAL(f, S)  VMSTATE_SINGLE_V(f, S, 0, vmstate_info_int32_equal, int32_t)

#define VMSTATE_UINT8_ARRAY_V(f, S, n, v)  VMSTATE_ARRAY_V(f, S, n, v, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT32_ARRAY_V(f, S, n, v) VMSTATE_ARRAY_V(f, S, n, v, vmstate_info_uint32, uint32_t)

/* An element type with its own encoder: VMSTATE_SINGLE_V with a
 * VMS_INFO_CUSTOM info. */
#define VMSTATE_CUSTOM(_f, _S, _info, _T) \
    VMSTATE_SINGLE_V(_f, _S, 0, _info, _T)

/* Bytes [_start, _start + _size) of a byte array member. */
#define VMSTATE_PARTIAL_BUFFER(_f, _S, _size) {                       \
    .name = #_f, .size = (_size),                                     \
    .info = &vmstate_info_buffer, .flags = VMS_BUFFER,                \
    .offset = offsetof(_S, _f),                                       \
}
#define VMSTATE_BUFFER_START_MIDDLE(_f, _S, _start) {                 \
    .name = #_f, .size = sizeof(((_S *)0)->_f) - (_start),            \
    .info = &vmstate_info_buffer, .flags = VMS_BUFFER,                \
    .offset = offsetof(_S, _f) + (_start),                            \
}

/* A heap buffer `_f` (uint8_t *) of `_size_f` bytes; no allocation. */
#define VMSTATE_VBUFFER_UINT32(_f, _S, _v, _test, _size_f) {          \
    .name = #_f, .version_id = (_v), .field_exists = (_test),         \
    .size_offset = vmstate_offset_value(_S, _size_f, uint32_t),       \
    .info = &vmstate_info_buffer, .flags = VMS_VBUFFER | VMS_POINTER, \
    .offset = offsetof(_S, _f),                                       \
}

/*
 * Variable arrays: `_count_f` (an earlier field) holds the element count.
 * The inline forms name an array member of capacity _cap (a count above
 * it fails the load); the _POINTER forms follow a pointer member.
 */
#define VMSTATE_VARRAY_INLINE(_f, _S, _count_f, _cnt_T, _flag, _cap, _info, _T) { \
    .name = #_f, .num = (_cap),                                       \
    .num_offset = vmstate_offset_value(_S, _count_f, _cnt_T),         \
    .info = &(_info), .size = sizeof(_T), .flags = (_flag),           \
    .offset = vmstate_offset_array(_S, _f, _T, _cap),                 \
}
#define VMSTATE_VARRAY_INT32(f, S, cnt, cap, info, T) \
    VMSTATE_VARRAY_INLINE(f, S, cnt, int32_t, VMS_VARRAY_INT32, cap, info, T)
#define VMSTATE_VARRAY_UINT16(f, S, cnt, cap, info, T) \
    VMSTATE_VARRAY_INLINE(f, S, cnt, uint16_t, VMS_VARRAY_UINT16, cap, info, T)
#define VMSTATE_VARRAY_UINT8(f, S, cnt, cap, info, T) \
    VMSTATE_VARRAY_INLINE(f, S, cnt, uint8_t, VMS_VARRAY_UINT8, cap, info, T)
/* Pointer member of `_T *`, allocated by the engine on load. */
#define VMSTATE_VARRAY_UINT32_ALLOC(_f, _S, _count_f, _v, _info, _T) {  \
    .name = #_f, .version_id = (_v),                                  \
    .num_offset = vmstate_offset_value(_S, _count_f, uint32_t),       \
    .info = &(_info), .size = sizeof(_T),                             \
    .flags = VMS_VARRAY_UINT32 | VMS_POINTER | VMS_ALLOC,             \
    .offset = vmstate_offset_pointer(_S, _f, _T),                     \
}
#define VMSTATE_STRUCT_VARRAY_UINT8(_f, _S, _count_f, _cap, _vmsd, _T) { \
    .name = #_f, .num = (_cap), .vmsd = &(_vmsd),                     \
    .num_offset = vmstate_offset_value(_S, _count_f, uint8_t),        \
    .size = sizeof(_T), .flags = VMS_STRUCT | VMS_VARRAY_UINT8,       \
    .offset = vmstate_offset_array(_S, _f, _T, _cap),                 \
}

/* The struct a pointer member points to (the pointer is not sent). */
#define VMSTATE_STRUCT_POINTER(_f, _S, _vmsd, _T) {                   \
    .name = #_f, .vmsd = &(_vmsd), .size = sizeof(_T),                \
    .flags = VMS_STRUCT | VMS_POINTER,                                \
    .offset = vmstate_offset_pointer(_S, _f, _T),                     \
}
/* A nested struct encoded at the fixed version _sv on both sides. */
#define VMSTATE_VSTRUCT(_f, _S, _vmsd, _T, _sv) {                     \
    .name = #_f, .vmsd = &(_vmsd), .struct_version_id = (_sv),        \
    .size = sizeof(_T), .flags = VMS_VSTRUCT,                         \
    .offset = vmstate_offset_value(_S, _f, _T),                       \
}
/* An array of _n pointers to structs; NULL elements travel as 0x30. */
#define VMSTATE_ARRAY_OF_POINTER_TO_STRUCT(_f, _S, _n, _vmsd, _T) {   \
    .name = #_f, .num = (_n), .vmsd = &(_vmsd), .size = sizeof(_T *), \
    .flags = VMS_ARRAY | VMS_STRUCT | VMS_ARRAY_OF_POINTER,           \
    .offset = vmstate_offset_array(_S, _f, _T *, _n),                 \
}

/* A bitmap (unsigned long *) of `_bits_f` (int32_t member) bits. */
#define VMSTATE_BITMAP(_f, _S, _bits_f) {                             \
    .name = #_f, .info = &vmstate_info_bitmap,                        \
    .size_offset = vmstate_offset_value(_S, _bits_f, int32_t),        \
    .flags = VMS_VBUFFER | VMS_POINTER,                               \
    .offset = offsetof(_S, _f),                                       \
}

#define VMSTATE_UNUSED_V(_v, _n) {                                    \
    .name = "unused", .version_id = (_v), .size = (_n),               \
    .info = &vmstate_info_unused_buffer, .flags = VMS_BUFFER,         \
}
#define VMSTATE_UNUSED_TEST(_test, _n) {                              \
    .name = "unused", .field_exists = (_test), .size = (_n),          \
    .info = &vmstate_info_unused_buffer, .flags = VMS_BUFFER,         \
}

/* Nothing on the wire: loading fails unless test(opaque, version). */
#define VMSTATE_VALIDATE(_name, _test) {                              \
    .name = (_name), .field_exists = (_test),                         \
    .flags = VMS_ARRAY | VMS_MUST_EXIST, .num = 0,                    \
}

#define VMSTATE_END_OF_LIST() { .flags = VMS_END }

#endif /* MIGRATION_VMSTATE_H */
