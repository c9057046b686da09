"""The ``crmmigrate`` entry point.

``crmmigrate --version`` answers without importing the pipeline (pandas, SQLAlchemy, the
standardisers: seconds); every other call builds the app in :mod:`crmmigrate.cli.app`.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from crmmigrate import __version__

        sys.stdout.write(f"crmmigrate {__version__}\n")
        return
    from crmmigrate.cli.app import app

    app()


def __getattr__(name: str) -> Any:
    """``from crmmigrate.cli.main import app`` keeps working, built on first use."""
    if name == "app":
        from crmmigrate.cli.app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main()
