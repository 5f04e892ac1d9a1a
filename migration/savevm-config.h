/*
 * The configuration record (private to migration/): savevm.c writes it
 * after the header, the loader reads and checks it (wire-format 1.5).
 */
#ifndef MIGRATION_SAVEVM_CONFIG_H
#define MIGRATION_SAVEVM_CONFIG_H

#include "migration/qemu-file.h"

typedef struct JsonWriter JsonWriter;

/* The body after the 0x07 byte; its description goes into vmdesc (the
 * caller opened the "configuration" object). */
bool savevm_configuration_save(QEMUFile *f, JsonWriter *vmdesc, GError **errp);
/* Read the body and run the destination checks; errors carry the spec's
 * messages ("Machine type received is 'x' and local is 'virt'"). */
bool savevm_configuration_load(QEMUFile *f, GError **errp);

#endif /* MIGRATION_SAVEVM_CONFIG_H */
