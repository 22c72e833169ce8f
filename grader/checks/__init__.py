"""The hidden checks, one file per exercise. Run by grader.judge.runner, never by the project's
tests.

Each test's docstring is the line the student sees; a test passes by returning and fails by
raising a grader.verdict exception whose message is the feedback.
"""
