#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qemu-cr16 QAPI generator: reads qapi/qapi-schema.json (QEMU's schema
dialect) and writes the C types, JSON visitors, command marshallers, event
senders and introspection data.  Standard library only."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qapi.main import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
