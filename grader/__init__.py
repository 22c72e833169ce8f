"""momentum-lab's grader: hidden checks for the exercises, run against untrusted student code."""

from labkit import __version__

__all__ = ["__version__"]
