/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -device loader: QEMU's generic loader for the CR16 board. Three uses,
 * as in QEMU:
 *   file=F[,addr=A][,cpu-num=N][,force-raw=on]  load an ELF (by its
 *       program headers) or a raw image at physical A; with cpu-num the
 *       CPU starts at the ELF entry (or A);
 *   addr=A,data=V,data-len=L[,data-be=on]  store an L-byte value at A;
 *   addr=A,cpu-num=N  start CPU N at A.
 * Everything is applied at realize and again after every machine reset,
 * after the board restored its own -kernel image. It lives next to the
 * board because ELF parsing is the board's loader.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "loader.h"

#define TYPE_GENERIC_LOADER "loader"
#define CPU_NONE UINT32_MAX
/* Raw images larger than this are refused before being read. */
#define LOADER_MAX_RAW (64u * 1024 * 1024)

typedef struct GenericLoaderState {
    DeviceState parent_obj;

    /* properties */
    char *file;
    uint64_t addr;
    uint64_t data;
    uint8_t data_len;
    bool data_be;
    uint32_t cpu_num;
    bool force_raw;

    /* what realize decided (scratch: re-created from the properties) */
    Cr16Image *elf;         /* file= as ELF */
    GBytes *raw;            /* file= as raw bytes at addr */
    bool set_pc;
    uint64_t pc;
} GenericLoaderState;

#define GENERIC_LOADER(obj) \
    OBJECT_CHECK(GenericLoaderState, (obj), TYPE_GENERIC_LOADER)

static void loader_apply(void *opaque)
{
    GenericLoaderState *s = opaque;

    if (s->elf) {
        cr16_image_install(s->elf);
    }
    if (s->raw) {
        gsize len;
        const void *p = g_bytes_get_data(s->raw, &len);

        address_space_write(s->addr, p, len);
    }
    if (s->data_len) {
        uint8_t buf[8];

        for (unsigned i = 0; i < s->data_len; i++) {
            unsigned shift = s->data_be ? 8 * (s->data_len - 1 - i) : 8 * i;

            buf[i] = s->data >> shift;
        }
        address_space_write(s->addr, buf, s->data_len);
    }
    if (s->set_pc) {
        MachineClass *mc = MACHINE_GET_CLASS(current_machine);

        /* realize checked the CPU: this cannot fail */
        mc->set_pc(current_machine, s->cpu_num, s->pc, NULL);
    }
}

/* The checks and messages of QEMU's generic loader. */
static bool loader_check_args(GenericLoaderState *s, GError **errp)
{
    if (s->data || s->data_len || s->data_be) {
        if (s->file) {
            error_setg(errp, "Specifying a file is not supported when "
                       "loading memory values");
        } else if (s->force_raw) {
            error_setg(errp, "Specifying force-raw is not supported when "
                       "loading memory values");
        } else if (!s->data_len) {
            error_setg(errp, "Both data and data-len must be specified");
        } else if (s->data_len > 8) {
            error_setg(errp, "data-len cannot be greater then 8 bytes");
        } else if (s->cpu_num != CPU_NONE) {
            error_setg(errp, "data can not be specified when setting a "
                       "program counter");
        } else {
            return true;
        }
        return false;
    }
    if (s->file || s->force_raw) {
        if (!s->file) {
            error_setg(errp, "please include valid arguments");
            return false;
        }
        s->set_pc = s->cpu_num != CPU_NONE;
        return true;
    }
    if (s->addr) {
        if (s->cpu_num == CPU_NONE) {
            error_setg(errp, "cpu_num must be specified when setting a "
                       "program counter");
            return false;
        }
        s->set_pc = true;
        s->pc = s->addr;
        return true;
    }
    error_setg(errp, "please include valid arguments");
    return false;
}

static bool loader_load_file(GenericLoaderState *s, GError **errp)
{
    g_autoptr(GError) elf_err = NULL;
    GError *err = NULL;
    g_autofree char *contents = NULL;
    gsize len;

    if (!s->force_raw) {
        s->elf = cr16_image_load(s->file, current_machine->ram_size,
                                 &elf_err);
        if (s->elf && cr16_image_is_elf(s->elf)) {
            s->pc = cr16_image_entry(s->elf);
            return true;
        }
        cr16_image_free(s->elf);
        s->elf = NULL;
    }
    /* Raw: the bytes at addr (which must fit the 32-bit physical bus). */
    if (!g_file_get_contents(s->file, &contents, &len, &err)) {
        error_setg(errp, "Cannot load specified image %s: %s", s->file,
                   err->message);
        g_error_free(err);
        return false;
    }
    if (!s->force_raw && elf_err && len >= 4 &&
        !memcmp(contents, "\x7f" "ELF", 4)) {
        /* an ELF file with a defect: say which rather than load it raw */
        error_setg(errp, "Cannot load specified image %s: %s", s->file,
                   elf_err->message);
        return false;
    }
    if (len > LOADER_MAX_RAW || s->addr > UINT32_MAX ||
        len > (uint64_t)UINT32_MAX + 1 - s->addr) {
        error_setg(errp, "Cannot load specified image %s: it does not fit "
                   "at 0x%" PRIx64, s->file, s->addr);
        return false;
    }
    s->raw = g_bytes_new_take(g_steal_pointer(&contents), len);
    s->pc = s->addr;
    return true;
}

static bool loader_realize(DeviceState *dev, GError **errp)
{
    GenericLoaderState *s = GENERIC_LOADER(dev);
    MachineClass *mc = current_machine ?
                       MACHINE_GET_CLASS(current_machine) : NULL;

    s->set_pc = false;
    if (!loader_check_args(s, errp)) {
        return false;
    }
    if (s->set_pc && (!mc || !mc->set_pc)) {
        error_setg(errp, "Specified boot CPU#%u is nonexistent", s->cpu_num);
        return false;
    }
    if (s->file && !loader_load_file(s, errp)) {
        return false;
    }
    if (s->set_pc && !mc->set_pc(current_machine, s->cpu_num, s->pc, errp)) {
        return false;
    }
    loader_apply(s);
    qemu_register_reset(loader_apply, s);
    return true;
}

static void loader_unrealize(DeviceState *dev)
{
    GenericLoaderState *s = GENERIC_LOADER(dev);

    qemu_unregister_reset(loader_apply, s);
    cr16_image_free(s->elf);
    s->elf = NULL;
    g_clear_pointer(&s->raw, g_bytes_unref);
}

static const Property loader_props[] = {
    DEFINE_PROP_UINT64("addr", GenericLoaderState, addr, 0),
    DEFINE_PROP_UINT64("data", GenericLoaderState, data, 0),
    DEFINE_PROP_UINT8("data-len", GenericLoaderState, data_len, 0),
    DEFINE_PROP_BOOL("data-be", GenericLoaderState, data_be, false),
    DEFINE_PROP_UINT32("cpu-num", GenericLoaderState, cpu_num, CPU_NONE),
    DEFINE_PROP_BOOL("force-raw", GenericLoaderState, force_raw, false),
    DEFINE_PROP_STRING("file", GenericLoaderState, file),
    DEFINE_PROP_END_OF_LIST(),
};

static void loader_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "Generic Loader";
    dc->user_creatable = true;
    dc->realize = loader_realize;
    dc->unrealize = loader_unrealize;
    device_class_set_props(dc, loader_props);
}

static const TypeInfo loader_info = {
    .name = TYPE_GENERIC_LOADER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(GenericLoaderState),
    .class_init = loader_class_init,
};

static void loader_register_types(void)
{
    type_register_static(&loader_info);
}

type_init(loader_register_types)
