"""A terminal quiz on momentum, with YAML question banks and a validator for instructors."""

__version__ = "0.1.0"
