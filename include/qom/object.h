/*
 * The QEMU Object Model (QOM), cr16 edition: a small single-inheritance
 * type system with interfaces, reference-counted objects, named properties
 * whose values are JSON trees (json-glib), and a composition tree rooted at
 * "/" that QMP (qom-list/qom-get/qom-set) and the command line walk.
 *
 * Types are registered from constructors (type_init) and their classes are
 * built lazily on first use. A class starts as a copy of its parent class,
 * then the class_init of every ancestor has already run on that copy
 * before its own class_init runs, so a subclass only overrides.
 *
 * Threads: type registration happens before main(); everything else
 * (creating, changing, finding objects) needs the BQL, except reference
 * counting which is atomic.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct ObjectProperty ObjectProperty;
typedef struct InterfaceClass InterfaceClass;

#define TYPE_OBJECT     "object"
#define TYPE_INTERFACE  "interface"
#define TYPE_CONTAINER  "container"

/* ------------------------------------------------------------------ */
/* Properties                                                          */

/*
 * Read a property: returns a new JSON node (caller unrefs) or NULL with
 * errp set. Integers are JSON integers, child/link values path strings.
 */
typedef JsonNode *ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                                    GError **errp);
/*
 * Write a property from a JSON node (borrowed). Type errors use the QMP
 * argument messages (qmp.md 3.3) with the property name as parameter:
 * "Invalid parameter type for '<name>', expected: boolean".
 */
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               JsonNode *value, GError **errp);
/* child<>/link<> properties: the object a path component leads to. */
typedef Object *ObjectPropertyResolve(Object *obj, ObjectProperty *prop,
                                      const char *part);
/* Called when the property is deleted (also at finalize). */
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);
/* Class properties: sets the instance's default at object creation. */
typedef void ObjectPropertyInit(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    /* "bool", "string", "str", "uint8".."uint64", "int", "int8".."int64",
     * "size", "child<TYPE>", "link<TYPE>", or an enum type name. */
    char *type;
    char *description;
    ObjectPropertyGet *get;
    ObjectPropertySet *set;
    ObjectPropertyResolve *resolve;
    ObjectPropertyRelease *release;
    ObjectPropertyInit *init;
    void *opaque;
    JsonNode *defval;           /* default value for help/listing, or NULL */
};

/* ------------------------------------------------------------------ */
/* Classes and objects                                                 */

struct ObjectClass {
    /* private */
    Type type;
    GSList *interfaces;         /* InterfaceClass * of implemented interfaces */
    GHashTable *properties;     /* class properties: name -> ObjectProperty */
    GPtrArray *prop_order;      /* the same, in order of addition */
    /* Called when the object is detached from its parent (object_unparent). */
    void (*unparent)(Object *obj);
};

struct Object {
    /* private */
    ObjectClass *class;
    void (*free)(void *obj);    /* g_free for object_new, NULL if embedded */
    GHashTable *properties;     /* name -> ObjectProperty */
    GPtrArray *prop_order;      /* the same, in order of addition */
    uint32_t ref;
    Object *parent;
};

/* Base of every interface class (e.g. UserCreatableClass). */
struct InterfaceClass {
    ObjectClass parent_class;
    /* private */
    ObjectClass *concrete_class;    /* the class that implements it */
    Type interface_type;
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

/*
 * Description of a type. `parent` is NULL only for "object" and
 * "interface". class_init runs once, after every ancestor's class_init;
 * class_data is passed to it. instance_init runs parent first,
 * instance_post_init after all instance_init (parent first),
 * instance_finalize child first. `interfaces` ends with {NULL}.
 */
typedef struct TypeInfo {
    const char *name;
    const char *parent;

    size_t instance_size;
    size_t instance_align;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);

    bool abstract;
    size_t class_size;

    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;

    const InterfaceInfo *interfaces;
} TypeInfo;

/*
 * Register a type (the TypeInfo and its strings must outlive the program).
 * Registering a name twice is a programming error (assert).
 */
Type type_register_static(const TypeInfo *info);
/* Register an array of n types. */
void type_register_static_array(const TypeInfo *infos, int nr_infos);

/*
 * type_init(fn): run fn() at program start (before main) to register
 * types. Order between files does not matter: classes are built lazily.
 */
#define type_init(function)                                             \
    static void __attribute__((constructor)) qom_type_init_##function(void) \
    {                                                                   \
        function();                                                     \
    }

/* Register n TypeInfos from a static array at start-up. */
#define DEFINE_TYPES(type_array)                                        \
    static void do_qemu_init_##type_array(void)                         \
    {                                                                   \
        type_register_static_array(type_array, ARRAY_SIZE(type_array)); \
    }                                                                   \
    type_init(do_qemu_init_##type_array)

/* ---- casts ---- */

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(class) ((ObjectClass *)(class))

/* Checked cast; a wrong type is a programming error (assert). */
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__, __func__))
#define OBJECT_CLASS_CHECK(class_type, class, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(class), \
                                  (name), __FILE__, __LINE__, __func__))
#define OBJECT_GET_CLASS(class, obj, name) \
    OBJECT_CLASS_CHECK(class, object_get_class(OBJECT(obj)), name)

/*
 * Declare the cast helpers of a type, QEMU style:
 *   OBJECT_DECLARE_TYPE(FooState, FooClass, FOO) gives FOO(obj),
 *   FOO_CLASS(klass), FOO_GET_CLASS(obj); needs TYPE_FOO defined.
 *   OBJECT_DECLARE_SIMPLE_TYPE(FooState, FOO) gives FOO(obj) only.
 */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_OBJ_NAME)   \
    typedef struct InstanceType InstanceType;                           \
    typedef struct ClassType ClassType;                                 \
    G_GNUC_UNUSED static inline InstanceType *                          \
    MODULE_OBJ_NAME(const void *obj)                                    \
    { return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME); } \
    G_GNUC_UNUSED static inline ClassType *                             \
    MODULE_OBJ_NAME##_GET_CLASS(const void *obj)                        \
    { return OBJECT_GET_CLASS(ClassType, obj, TYPE_##MODULE_OBJ_NAME); } \
    G_GNUC_UNUSED static inline ClassType *                             \
    MODULE_OBJ_NAME##_CLASS(const void *klass)                          \
    { return OBJECT_CLASS_CHECK(ClassType, klass, TYPE_##MODULE_OBJ_NAME); }

#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_OBJ_NAME)       \
    typedef struct InstanceType InstanceType;                           \
    G_GNUC_UNUSED static inline InstanceType *                          \
    MODULE_OBJ_NAME(const void *obj)                                    \
    { return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME); }

/* ---- types and classes ---- */

/* Class of a type by name (built on first use), or NULL if unknown. */
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *klass);
/* Parent class, or NULL for the root types. */
ObjectClass *object_class_get_parent(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
/*
 * klass cast to `typename` (an ancestor type, or an interface it
 * implements: then the interface class is returned), or NULL.
 */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func);
/*
 * Every class that is `implements` or derives from / implements it
 * (NULL = all), abstract ones only when include_abstract. Sorted by name.
 * Caller frees the list (g_slist_free), not the classes.
 */
GSList *object_class_get_list(const char *implements, bool include_abstract);
void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements, bool include_abstract,
                          void *opaque);

/* ---- object life cycle ---- */

/*
 * Create an object of a non-abstract type with one reference, running
 * instance_init/instance_post_init and class-property defaults.
 * An unknown or abstract type is a programming error (assert); callers
 * validating user input use object_new_checked().
 */
Object *object_new(const char *typename);
/* Like object_new(); NULL with errp set for unknown/abstract types. */
Object *object_new_checked(const char *typename, GError **errp);
/*
 * Initialise an object embedded in caller memory (size >= instance size);
 * it is never freed by QOM, only finalized.
 */
void object_initialize(void *data, size_t size, const char *typename);
/*
 * object_initialize() + add it as child `propname` of parent (the child
 * property then owns the only reference).
 */
void object_initialize_child(Object *parent, const char *propname,
                             void *child, size_t size, const char *typename);

/* Atomic reference counting; the last unref finalizes and frees. */
Object *object_ref(void *obj);
void object_unref(void *obj);

/* Detach obj from its parent (deleting the child<> property). */
void object_unparent(Object *obj);

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);
/* obj if it is (or implements) typename, else NULL. */
Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func);

/* ---- properties ---- */

/*
 * Add an instance property. The duplicate name case fails with
 * "attempt to add duplicate property '<name>' to object (type '<type>')".
 * Returns the property (owned by obj) or NULL.
 */
ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, GError **errp);
/* Same; a duplicate is a programming error (assert). */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
/* Delete an instance property (calls its release hook). */
void object_property_del(Object *obj, const char *name);

/* Add a class property (shared by every instance of the class). */
ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name, const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque);
void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description);
/* Record a default value (shown by help/qom-list-properties); takes val. */
void object_property_set_default(ObjectProperty *prop, JsonNode *val);

/* Property of obj (instance first, then class chain) or NULL. */
ObjectProperty *object_property_find(Object *obj, const char *name);
/* Same; NULL with "Property '<type>.<name>' not found" when missing. */
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         GError **errp);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);
/*
 * Every property of obj: instance properties in order of addition, then
 * class properties (most derived class first). Caller frees the array
 * (g_ptr_array_unref), not the properties.
 */
GPtrArray *object_property_list(Object *obj);
/* Class properties of klass and its ancestors. */
GPtrArray *object_class_property_list(ObjectClass *klass);

/* Generic access by name. get returns a new node (caller unrefs). */
JsonNode *object_property_get(Object *obj, const char *name, GError **errp);
bool object_property_set(Object *obj, const char *name, JsonNode *value,
                         GError **errp);
/*
 * Set from a command-line string: the string is converted according to
 * the property type ("on"/"off"/"yes"/"no"/"true"/"false" for bool,
 * size suffixes for "size", decimal or 0x hex for integers, the text
 * itself otherwise). Errors: "Parameter '<name>' expects 'on' or 'off'",
 * "... expects a size value", "... expects a uint64 value",
 * "... expects an int64 value".
 */
bool object_property_parse(Object *obj, const char *name, const char *string,
                           GError **errp);
/*
 * Convert a command-line string to a JSON node for a property of the
 * given type (see object_property_parse). NULL with errp set.
 */
JsonNode *object_property_string_to_json(const char *name, const char *type,
                                         const char *string, GError **errp);
/* Render a property value as a command-line string (for help output). */
char *object_property_json_to_string(JsonNode *node);

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              GError **errp);
bool object_property_get_bool(Object *obj, const char *name, GError **errp);
bool object_property_set_str(Object *obj, const char *name, const char *value,
                             GError **errp);
/* Newly allocated string or NULL with errp set. */
char *object_property_get_str(Object *obj, const char *name, GError **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              GError **errp);
/* 0 with errp set on failure. */
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  GError **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             GError **errp);
int64_t object_property_get_int(Object *obj, const char *name, GError **errp);
/* Set a link property to the canonical path of value (NULL clears it). */
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              GError **errp);
/* Object a link/child property points to, or NULL (errp set on errors). */
Object *object_property_get_link(Object *obj, const char *name,
                                 GError **errp);
/* The QOM type string of a property, or NULL with errp set. */
const char *object_property_get_type(Object *obj, const char *name,
                                     GError **errp);

/* ---- typed property helpers ---- */

typedef enum ObjectPropertyFlags {
    OBJ_PROP_FLAG_READ = 1 << 0,
    OBJ_PROP_FLAG_WRITE = 1 << 1,
    OBJ_PROP_FLAG_READWRITE = OBJ_PROP_FLAG_READ | OBJ_PROP_FLAG_WRITE,
} ObjectPropertyFlags;

/* Accessors for typed properties; set == NULL means read-only. */
typedef bool ObjectBoolGet(Object *obj, GError **errp);
typedef bool ObjectBoolSet(Object *obj, bool value, GError **errp);
typedef char *ObjectStrGet(Object *obj, GError **errp);
typedef bool ObjectStrSet(Object *obj, const char *value, GError **errp);
typedef uint64_t ObjectUintGet(Object *obj, GError **errp);
typedef bool ObjectUintSet(Object *obj, uint64_t value, GError **errp);
typedef int64_t ObjectIntGet(Object *obj, GError **errp);
typedef bool ObjectIntSet(Object *obj, int64_t value, GError **errp);
/* enum: get returns the index into `values` (NULL-terminated). */
typedef int ObjectEnumGet(Object *obj, GError **errp);
typedef bool ObjectEnumSet(Object *obj, int value, GError **errp);

/* Type "bool". */
ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         ObjectBoolGet *get,
                                         ObjectBoolSet *set);
ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               ObjectBoolGet *get,
                                               ObjectBoolSet *set);
/* Type "string"; get returns a new string (NULL reads as ""). */
ObjectProperty *object_property_add_str(Object *obj, const char *name,
                                        ObjectStrGet *get, ObjectStrSet *set);
ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              ObjectStrGet *get,
                                              ObjectStrSet *set);
/* Unsigned integer, `type` "uint8".."uint64" or "size" (range checked). */
ObjectProperty *object_property_add_uint(Object *obj, const char *name,
                                         const char *type,
                                         ObjectUintGet *get,
                                         ObjectUintSet *set);
ObjectProperty *object_class_property_add_uint(ObjectClass *klass,
                                               const char *name,
                                               const char *type,
                                               ObjectUintGet *get,
                                               ObjectUintSet *set);
/* Signed integer, `type` "int" or "int8".."int64" (range checked). */
ObjectProperty *object_property_add_int(Object *obj, const char *name,
                                        const char *type,
                                        ObjectIntGet *get, ObjectIntSet *set);
ObjectProperty *object_class_property_add_int(ObjectClass *klass,
                                              const char *name,
                                              const char *type,
                                              ObjectIntGet *get,
                                              ObjectIntSet *set);
/*
 * Enumeration as a string property of type `typename` (e.g. "OnOffAuto"):
 * unknown values fail with "Parameter '<name>' does not accept value 'x'".
 */
ObjectProperty *object_class_property_add_enum(ObjectClass *klass,
                                               const char *name,
                                               const char *typename,
                                               const char *const *values,
                                               ObjectEnumGet *get,
                                               ObjectEnumSet *set);
/* Properties backed by a variable (no setter unless flags has WRITE). */
ObjectProperty *object_property_add_bool_ptr(Object *obj, const char *name,
                                             bool *v,
                                             ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint32_ptr(Object *obj, const char *name,
                                               uint32_t *v,
                                               ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint64_ptr(Object *obj, const char *name,
                                               uint64_t *v,
                                               ObjectPropertyFlags flags);
/* A read-only string property with a constant value (copied). */
ObjectProperty *object_property_add_const_str(Object *obj, const char *name,
                                              const char *value);

/* ---- composition tree ---- */

/*
 * Make child a child of obj under `name` (property type "child<TYPE>").
 * Takes a new reference; the property holds it until deleted. The child
 * must not have a parent yet. Failure: duplicate property name.
 */
ObjectProperty *object_property_try_add_child(Object *obj, const char *name,
                                              Object *child, GError **errp);
/* Same; a duplicate name is a programming error (assert). */
ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child);

/* check hook of a link: may refuse a new target (errp set). */
typedef bool ObjectLinkCheck(Object *obj, const char *name, Object *val,
                             GError **errp);
/* Allow any value. */
bool object_property_allow_set_link(Object *obj, const char *name,
                                    Object *val, GError **errp);
typedef enum ObjectLinkFlags {
    OBJ_PROP_LINK_STRONG = 1 << 0,  /* the link holds a reference */
} ObjectLinkFlags;
/*
 * A "link<TYPE>" property backed by *targetp. Setting it takes a path
 * string ("" clears); the target must be (or implement) `type`, else
 * "Invalid parameter type for '<name>', expected: <type>". check == NULL
 * makes the link read-only.
 */
ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         ObjectLinkCheck *check,
                                         ObjectLinkFlags flags);

/* The parent in the composition tree, or NULL. */
Object *object_get_parent(Object *obj);
/* "/machine/unattached/device[0]"; NULL if obj is not in the tree. */
char *object_get_canonical_path(Object *obj);
/* The last path component (obj's name in its parent); NULL if detached. */
char *object_get_canonical_path_component(Object *obj);

/* The root "/" (a container, created on first use). */
Object *object_get_root(void);
/* "/objects", where -object/object-add put their objects. */
Object *object_get_objects_root(void);
/*
 * The container at `path` below root (components separated by '/'),
 * creating missing containers; e.g. container_get(root, "/machine/x").
 */
Object *container_get(Object *root, const char *path);
/* A new, detached container (one reference). */
Object *object_new_container(void);

/* The object `part` names under parent (child<> or link<>), or NULL. */
Object *object_resolve_path_component(Object *parent, const char *part);
/*
 * Resolve an absolute path ("/machine/foo") or a partial path (a suffix
 * of exactly one canonical path, e.g. "foo" or "machine/foo"). For a
 * partial path matching more than one object *ambiguous (if non-NULL) is
 * set true and NULL returned. typename (may be NULL) restricts matches.
 */
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
/* Like object_resolve_path(); errors with the QMP messages
 * ("Device '<path>' not found" class DeviceNotFound,
 * "Path '<path>' is ambiguous"). */
Object *object_resolve_path_err(const char *path, GError **errp);

/* Call fn on every child (child<> properties) in order; stop on non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Depth-first over all descendants. */
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);

#endif /* QOM_OBJECT_H */
