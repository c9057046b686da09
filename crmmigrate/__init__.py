"""crmmigrate: migrate messy customer data into a new CRM, and prove nothing was lost."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crmmigrate")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
