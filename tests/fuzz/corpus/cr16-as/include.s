  .include "missing.inc"
  .include "/nonexistent/a.inc" junk
