/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "globalstate": the source's run state at the switchover, carried in the
 * stream as a NUL-padded name (wire-format 1.9). The destination checks
 * the name when it loads it; incoming.c decides what to start.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "migration/vmstate.h"
#include "migration/register.h"
#include "migration/global_state.h"

typedef struct GlobalState {
    uint32_t size;              /* architectural: strlen(runstate) + 1 */
    uint8_t runstate[32];       /* architectural: run-state name */
    bool has_vm_was_suspended;  /* architectural: always 1 when sent */
    bool vm_was_suspended;      /* architectural */
    uint8_t unused[66];         /* architectural: zeros */
    bool received;              /* scratch: loaded from a stream */
    RunState state;             /* derived: parsed runstate */
} GlobalState;

static GlobalState global_state;

void global_state_store(void)
{
    const char *name = RunState_str(runstate_get());

    memset(global_state.runstate, 0, sizeof(global_state.runstate));
    g_strlcpy((char *)global_state.runstate, name,
              sizeof(global_state.runstate));
    global_state.size = strlen(name) + 1;
    global_state.has_vm_was_suspended = true;
    global_state.vm_was_suspended = runstate_check(RUN_STATE_SUSPENDED);
    memset(global_state.unused, 0, sizeof(global_state.unused));
}

void global_state_reset(void)
{
    global_state.received = false;
    global_state.state = RUN_STATE_RUNNING;
}

bool global_state_received(void)
{
    return global_state.received;
}

RunState global_state_get_runstate(void)
{
    return global_state.received ? global_state.state : RUN_STATE_RUNNING;
}

static bool global_state_pre_save(void *opaque, GError **errp)
{
    GlobalState *s = opaque;

    /* A stream written without a switchover stop (none today) would
     * otherwise carry an empty name. */
    if (!s->size) {
        global_state_store();
    }
    return true;
}

static bool global_state_post_load(void *opaque, int version_id,
                                   GError **errp)
{
    GlobalState *s = opaque;
    char name[sizeof(s->runstate) + 1];

    /* Untrusted: the name must be NUL-terminated inside the buffer and
     * its length must match the size field. */
    memcpy(name, s->runstate, sizeof(s->runstate));
    name[sizeof(s->runstate)] = '\0';
    if (s->size != strlen(name) + 1 || s->size > sizeof(s->runstate)) {
        error_setg(errp, "globalstate: bad run state size %u for '%s'",
                   s->size, name);
        return false;
    }
    for (int i = 0; i < RUN_STATE__MAX; i++) {
        if (!strcmp(name, RunState_str(i))) {
            s->state = i;
            s->received = true;
            return true;
        }
    }
    error_setg(errp, "globalstate: unknown run state '%s'", name);
    return false;
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
    .post_load = global_state_post_load,
    .fields = global_state_fields,
};

void global_state_register(void)
{
    global_state_reset();
    vmstate_register_device(NULL, &vmstate_globalstate, &global_state);
}
