#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# It installs the grader bundled in /autograder/source (numpy, pytest, PyYAML; no plotting).
set -euo pipefail
SOURCE="${AUTOGRADER_SOURCE:-/autograder/source}"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -q
    apt-get install -y -q python3 python3-venv python3-pip
fi
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
/autograder/venv/bin/pip install --quiet "numpy>=1.24" "pytest>=7.4" "PyYAML>=6.0"
/autograder/venv/bin/python -c "import sys; assert sys.version_info >= (3, 11), sys.version"
