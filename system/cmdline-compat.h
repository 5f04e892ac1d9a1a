/*
 * Options that management tools (libvirt) and scripts pass by habit:
 * -rtc, -boot, -overcommit, -sandbox, -add-fd, -msg, -no-user-config.
 * Each parse_* runs while the command line is read (the caller has set
 * the error location) and exits with status 1 on bad input; the apply
 * steps run once, in the order qemu_main() calls them.
 */
#ifndef SYSTEM_CMDLINE_COMPAT_H
#define SYSTEM_CMDLINE_COMPAT_H

/* Register this file's option lists (query-command-line-options). */
void compat_register_opts(void);

void compat_parse_rtc(const char *arg);
void compat_parse_boot(const char *arg);
void compat_parse_overcommit(const char *arg);
void compat_parse_sandbox(const char *arg);
void compat_parse_add_fd(const char *arg);
void compat_parse_msg(const char *arg);

/* -msg: switch the message format (call once the guest name is known). */
void compat_apply_msg(const char *guest_name);
/* -overcommit mem-lock and -sandbox; exits 1 on failure. */
void compat_apply_process_limits(void);
/* -add-fd: hand the duplicated fds to their fd sets. */
void compat_apply_fdsets(void);

/* -rtc base as seconds to add to the host's UTC time (0 = utc). */
extern int64_t rtc_base_offset;

#endif /* SYSTEM_CMDLINE_COMPAT_H */
