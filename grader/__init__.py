"""momentum-lab's grader: hidden checks for the exercises, run against untrusted student code."""
