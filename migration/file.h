/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * More file descriptors to the file of the current file: migration, for
 * page I/O beside the main channel (mapped-ram with direct-io, multifd
 * channels over a file).
 */
#ifndef MIGRATION_FILE_H
#define MIGRATION_FILE_H

#include <stdbool.h>
#include <glib.h>

/*
 * A new fd to the file the last file: migration of this direction
 * (outgoing: `migrate`, else `migrate-incoming`) opened: write-only or
 * read-only, plus extra_flags (O_DIRECT).  "/dev/fdset/N" takes a
 * duplicate of an fd of the set whose access mode and O_DIRECT flag
 * match.  Never creates or truncates.  -1 with errp set.  Any thread.
 */
int migration_file_open_extra(bool outgoing, int extra_flags, GError **errp);

#endif /* MIGRATION_FILE_H */
