/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "globalstate" entry (wire-format 1.9).
 */
#include "qemu/osdep.h"

#include "migration/global_state.h"
#include "migration/register.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "qapi/qapi-types.h"
#include "qapi/util.h"
#include "system/runstate.h"

typedef struct GlobalState {
    uint32_t size;                  /* strlen(runstate) + 1 */
    uint8_t runstate[32];           /* NUL padded RunState name */
    bool has_vm_was_suspended;
    bool vm_was_suspended;
    uint8_t unused[66];
    bool received;                  /* destination: section loaded */
    bool registered;
} GlobalState;

static GlobalState global_state;

static void store_name(const char *name, bool suspended)
{
    memset(global_state.runstate, 0, sizeof(global_state.runstate));
    g_strlcpy((char *)global_state.runstate, name,
              sizeof(global_state.runstate));
    global_state.size = strlen((char *)global_state.runstate) + 1;
    global_state.has_vm_was_suspended = true;
    global_state.vm_was_suspended = suspended;
}

void global_state_store(void)
{
    RunState rs = runstate_get();

    store_name(RunState_str(rs), rs == RUN_STATE_SUSPENDED);
}

void global_state_store_running(void)
{
    store_name(RunState_str(RUN_STATE_RUNNING), false);
}

static bool global_state_pre_save(void *opaque, GError **errp)
{
    /* A source that did not store explicitly sends its state now. */
    if (!global_state.runstate[0]) {
        global_state_store();
    }
    return true;
}

static bool global_state_pre_load(void *opaque, GError **errp)
{
    global_state.received = false;
    return true;
}

static bool global_state_post_load(void *opaque, int version_id,
                                   GError **errp)
{
    GlobalState *s = opaque;
    char name[sizeof(s->runstate) + 1];

    /* Untrusted: the name need not be terminated, nor the size right. */
    memcpy(name, s->runstate, sizeof(s->runstate));
    name[sizeof(s->runstate)] = 0;
    if (s->size > sizeof(s->runstate) || s->size != strlen(name) + 1) {
        error_setg(errp, "globalstate: bad run-state size %u for '%s'",
                   s->size, name);
        return false;
    }
    if (qapi_enum_parse(&RunState_lookup, name) < 0) {
        error_setg(errp, "globalstate: unknown run state '%s'", name);
        return false;
    }
    s->received = true;
    return true;
}

static const VMStateField global_state_fields[] = {
    VMSTATE_UINT32(size, GlobalState),
    VMSTATE_BUFFER(runstate, GlobalState),
    VMSTATE_BOOL(has_vm_was_suspended, GlobalState),
    VMSTATE_BOOL(vm_was_suspended, GlobalState),
    VMSTATE_BUFFER(unused, GlobalState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_globalstate = {
    .name = "globalstate",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = global_state_pre_save,
    .pre_load = global_state_pre_load,
    .post_load = global_state_post_load,
    .fields = global_state_fields,
};

void global_state_register(void)
{
    if (!global_state.registered) {
        global_state.registered = true;
        vmstate_register_device(NULL, &vmstate_globalstate, &global_state);
    }
}

const char *global_state_get_runstate(void)
{
    return global_state.received ? (const char *)global_state.runstate
                                 : NULL;
}

bool global_state_vm_was_suspended(void)
{
    return global_state.received && global_state.has_vm_was_suspended &&
           global_state.vm_was_suspended;
}

void global_state_reset_received(void)
{
    global_state.received = false;
}
