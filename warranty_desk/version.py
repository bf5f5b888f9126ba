"""The one version number of 保修台: pyproject.toml's `version`.

At run time it is read from the installed package's metadata; a PyInstaller bundle or a source
checkout without an install falls back to `warranty_desk.__version__`, which a test keeps equal
to pyproject's value.
"""

from __future__ import annotations

from importlib import metadata

from . import __version__

DISTRIBUTION = "warranty-desk"


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return __version__
