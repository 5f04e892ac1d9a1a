# SPDX-License-Identifier: GPL-2.0-or-later
"""qemu-cr16 QAPI schema compiler: schema files -> C code."""
