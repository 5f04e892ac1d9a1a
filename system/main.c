/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qemu-system-cr16 program entry point. */
#include "qemu/osdep.h"
#include "system/vl.h"

int main(int argc, char **argv)
{
    return qemu_main(argc, argv);
}
