/*
 * Static device properties: a table of (name, kind, field offset,
 * default) in the DeviceClass that becomes QOM properties of every
 * instance, with defaults applied at creation. They can be set until the
 * device is realized.
 *
 *   static const Property foo_props[] = {
 *       DEFINE_PROP_UINT32("fifo-size", FooState, fifo_size, 16),
 *       DEFINE_PROP_BOOL("fail", FooState, fail, false),
 *       DEFINE_PROP_STRING("label", FooState, label),
 *       DEFINE_PROP_CHR("chardev", FooState, chr),
 *       DEFINE_PROP_END_OF_LIST(),
 *   };
 *   dc->props = foo_props;     (or device_class_set_props(dc, foo_props))
 *
 * STRING and CHR take an optional fourth argument (a default string /
 * chardev id). Everything here needs the BQL.
 */
#ifndef HW_QDEV_PROPERTIES_H
#define HW_QDEV_PROPERTIES_H

#include "hw/qdev-core.h"

typedef struct PropertyInfo PropertyInfo;
typedef struct Chardev Chardev;     /* defined by the chardev layer */

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;
    bool set_default;
    union {
        int64_t i;
        uint64_t u;
    } defval;
    const char *defval_str;         /* STRING / CHR defaults */
};

/* How a kind of static property reads, writes and defaults its field. */
struct PropertyInfo {
    const char *type;               /* QOM type string: "uint32", "bool"... */
    const char *description;
    uint64_t umax;                  /* unsigned kinds: maximum value */
    int64_t smin, smax;             /* signed kinds: range */
    JsonNode *(*get)(Object *obj, const Property *prop, GError **errp);
    bool (*set)(Object *obj, const Property *prop, JsonNode *value,
                GError **errp);
    void (*set_default)(Object *obj, const Property *prop);
    void (*release)(Object *obj, const Property *prop);
};

extern const PropertyInfo qdev_prop_bool;
extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_int64;
extern const PropertyInfo qdev_prop_size;
extern const PropertyInfo qdev_prop_string;
extern const PropertyInfo qdev_prop_chr;

/* Picks the optional default argument of STRING/CHR, else NULL. */
#define QDEV_PROP_OPT_ARG_(dummy, a, ...) a
#define QDEV_PROP_OPT_ARG(...) QDEV_PROP_OPT_ARG_(dummy, ##__VA_ARGS__, NULL)

#define DEFINE_PROP_UNSIGNED_(_name, _state, _field, _def, _info, _type) { \
    .name = (_name), .info = &(_info),                                  \
    .offset = offsetof(_state, _field)                                  \
        + 0 * sizeof(type_check(_type, __typeof__(((_state *)0)->_field))), \
    .set_default = true, .defval.u = (_type)(_def),                     \
}
#define DEFINE_PROP_SIGNED_(_name, _state, _field, _def, _info, _type) { \
    .name = (_name), .info = &(_info),                                  \
    .offset = offsetof(_state, _field)                                  \
        + 0 * sizeof(type_check(_type, __typeof__(((_state *)0)->_field))), \
    .set_default = true, .defval.i = (_type)(_def),                     \
}

#define DEFINE_PROP_BOOL(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, _d, qdev_prop_bool, bool)
#define DEFINE_PROP_UINT8(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, _d, qdev_prop_uint8, uint8_t)
#define DEFINE_PROP_UINT16(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, _d, qdev_prop_uint16, uint16_t)
#define DEFINE_PROP_UINT32(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, _d, qdev_prop_uint32, uint32_t)
#define DEFINE_PROP_UINT64(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, _d, qdev_prop_uint64, uint64_t)
#define DEFINE_PROP_SIZE(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, _d, qdev_prop_size, uint64_t)
#define DEFINE_PROP_INT32(_n, _s, _f, _d) \
    DEFINE_PROP_SIGNED_(_n, _s, _f, _d, qdev_prop_int32, int32_t)
#define DEFINE_PROP_INT64(_n, _s, _f, _d) \
    DEFINE_PROP_SIGNED_(_n, _s, _f, _d, qdev_prop_int64, int64_t)

/* A char * field (g_free'd with the device); optional default string. */
#define DEFINE_PROP_STRING(_n, _s, _f, ...) {                           \
    .name = (_n), .info = &qdev_prop_string,                            \
    .offset = offsetof(_s, _f)                                          \
        + 0 * sizeof(type_check(char *, __typeof__(((_s *)0)->_f))),   \
    .defval_str = QDEV_PROP_OPT_ARG(__VA_ARGS__),                       \
}
/*
 * A Chardev * field set from a chardev id through the resolver the
 * chardev layer installs (qdev_prop_set_chardev_resolver); optional
 * default chardev id (looked up when the device is created; the field
 * stays NULL if there is no such chardev then).
 */
#define DEFINE_PROP_CHR(_n, _s, _f, ...) {                              \
    .name = (_n), .info = &qdev_prop_chr,                               \
    .offset = offsetof(_s, _f)                                          \
        + 0 * sizeof(type_check(Chardev *, __typeof__(((_s *)0)->_f))), \
    .defval_str = QDEV_PROP_OPT_ARG(__VA_ARGS__),                       \
}
#define DEFINE_PROP_END_OF_LIST() { .name = NULL }

/*
 * The chardev layer tells qdev how to find a chardev by id and how to
 * name one (for qom-get). Until it does, CHR properties only accept "".
 */
typedef Chardev *QdevChardevFind(const char *id);
typedef const char *QdevChardevLabel(Chardev *chr);
void qdev_prop_set_chardev_resolver(QdevChardevFind *find,
                                    QdevChardevLabel *label);

/*
 * Set a property of an unrealized device (programming errors such as an
 * unknown name or a realized device assert; use object_property_* for
 * checked access).
 */
void qdev_prop_set_bool(DeviceState *dev, const char *name, bool value);
void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value);
void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value);
void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value);
/* A NULL value stores NULL (reads back as ""). */
void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value);

/* Set a CHR property directly (no resolver needed); NULL clears. */
void qdev_prop_set_chr(DeviceState *dev, const char *name, Chardev *value);

/* Add one static property to dev (qdev does this for dc->props). */
void qdev_property_add_static(DeviceState *dev, const Property *prop);

#endif /* HW_QDEV_PROPERTIES_H */
