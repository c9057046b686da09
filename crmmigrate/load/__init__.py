"""Load stage: clean frames → target CRM tables (SQL databases through SQLAlchemy)."""

from crmmigrate.load.loader import LoadMode, LoadResult, ObjectLoadResult, load_frames
from crmmigrate.load.schema import build_metadata
from crmmigrate.masking import mask_url

__all__ = [
    "LoadMode",
    "LoadResult",
    "ObjectLoadResult",
    "build_metadata",
    "load_frames",
    "mask_url",
]
