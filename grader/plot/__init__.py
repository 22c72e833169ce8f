"""`grader plot`: draw the student's own optimizer on a loss surface.

`data` holds what to draw (pure), `collect` runs the student's code in the sandbox to get it,
`figure` draws it with matplotlib (imported lazily, only on this path), and `command` is the CLI.
"""
