"""One module per `quiz` command; each prints its output and returns an exit status.

These modules and quiz/cli.py are the only ones that print. Library modules raise.
"""
