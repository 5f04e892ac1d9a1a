/*
 * Private pieces shared by the files of hw/core/ (qdev core).
 */
#ifndef HW_CORE_QDEV_INTERNAL_H
#define HW_CORE_QDEV_INTERNAL_H

#include "hw/qdev-core.h"

/* Free every GPIO list of dev (finalize). */
void qdev_gpio_free_all(DeviceState *dev);

/* The container /machine/<name>, created if needed. */
Object *qdev_machine_container(const char *name);

#endif /* HW_CORE_QDEV_INTERNAL_H */
