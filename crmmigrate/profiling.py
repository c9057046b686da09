"""Compatibility: the profile library moved to :mod:`crmmigrate.profile`."""

from crmmigrate.profile import *  # noqa: F403
from crmmigrate.profile import __all__  # noqa: F401
