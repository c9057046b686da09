"""Extract stage: back up the sources, then read them as tables of text cells.

Nothing here cleans or interprets a value: every cell comes back exactly as the file holds it.
"""

from crmmigrate.extract.backup import BackupEntry, backup_sources, verify_backup
from crmmigrate.extract.encoding import AUTO_ENCODINGS, decode_bytes
from crmmigrate.extract.readers import RawTable, expand_paths, read_headers, read_table

__all__ = [
    "AUTO_ENCODINGS",
    "BackupEntry",
    "RawTable",
    "backup_sources",
    "decode_bytes",
    "expand_paths",
    "read_headers",
    "read_table",
    "verify_backup",
]
