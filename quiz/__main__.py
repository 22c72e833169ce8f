"""`python -m quiz` runs the same command as `quiz`."""

from quiz.cli import main

raise SystemExit(main())
