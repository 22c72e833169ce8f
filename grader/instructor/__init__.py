"""Instructor tools: grade a class, release a student edition, Gradescope, selfcheck."""
