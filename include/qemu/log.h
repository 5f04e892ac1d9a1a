/*
 * Debug logging: "-d item,..." selects categories, "-D file" the target.
 * qemu_log_mask() is cheap when the category is off (one load and test).
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

#include <stdbool.h>
#include <glib.h>

#define CPU_LOG_TB_OUT_ASM  (1 << 0)
#define CPU_LOG_TB_IN_ASM   (1 << 1)   /* "in_asm": disassembly of new blocks */
#define CPU_LOG_EXEC        (1 << 5)   /* "exec": each block executed */
#define CPU_LOG_INT         (1 << 4)   /* "int": exceptions and interrupts */
#define CPU_LOG_TB_CPU      (1 << 6)   /* "cpu": registers before each block */
#define CPU_LOG_RESET       (1 << 9)   /* "cpu_reset" */
#define LOG_UNIMP           (1 << 10)  /* "unimp": unimplemented device features */
#define LOG_GUEST_ERROR     (1 << 11)  /* "guest_errors": invalid guest actions */
#define CPU_LOG_TB_NOCHAIN  (1 << 13)  /* "nochain": no block chaining */
#define LOG_TRACE           (1 << 15)  /* "trace:PATTERN" was given */

extern int qemu_loglevel;

static inline bool qemu_loglevel_mask(int mask)
{
    return (qemu_loglevel & mask) != 0;
}

/* Write to the log (stderr or the -D file). Thread-safe, line-buffered. */
void qemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#define qemu_log_mask(mask, ...)                 \
    do {                                         \
        if (unlikely(qemu_loglevel_mask(mask))) { \
            qemu_log(__VA_ARGS__);               \
        }                                        \
    } while (0)

/*
 * Parse "-d" items ("in_asm,int"). Returns the mask, or -1 with *bad set to
 * a newly allocated copy of the first unknown item.
 */
int qemu_log_parse_items(const char *str, char **bad);
/* Print the "-d help" list to stdout. */
void qemu_log_print_help(void);
/* Set the mask and open the -D file (NULL = stderr); "%d" -> pid. */
bool qemu_log_set(int mask, const char *filename, GError **errp);

#endif /* QEMU_LOG_H */
