"""Stage 4: OutputFile values -> disk, atomically, only ever into a folder margin made."""

from __future__ import annotations

from margin.write.output import MARKER, check_output_dir, write_site

__all__ = ["MARKER", "check_output_dir", "write_site"]
