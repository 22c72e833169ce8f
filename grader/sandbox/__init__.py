"""The only layer that runs student code: the worker process, its plain-data protocol, the
gradient functions it hands to student code, and the fork server that starts workers fast.

Nothing here imports from the rest of the grader."""
