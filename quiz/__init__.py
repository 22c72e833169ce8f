"""A terminal quiz on momentum, with YAML question banks and a validator for instructors."""

from labkit import __version__

__all__ = ["__version__"]
