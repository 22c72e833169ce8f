#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04 with
# Python 3.10, or 24.04 with 3.12). It puts what grading needs (numpy, pytest, PyYAML, and
# tomli on 3.10; no plotting) in a virtual environment and checks that the grader starts.
# Written by `grader gradescope`.
#
# Every path is a variable with Gradescope's default, so the project's tests run this script
# on a temporary layout: AUTOGRADER_DIR (/autograder), AUTOGRADER_SOURCE ($AUTOGRADER_DIR/source),
# AUTOGRADER_VENV ($AUTOGRADER_DIR/venv), AUTOGRADER_BASE_PYTHON (python3: the interpreter the
# venv is made from). pip reads its usual PIP_* variables (PIP_FIND_LINKS, PIP_NO_INDEX, ...).
set -euo pipefail
AUTOGRADER_DIR="${AUTOGRADER_DIR:-/autograder}"
SOURCE="${AUTOGRADER_SOURCE:-$AUTOGRADER_DIR/source}"
VENV="${AUTOGRADER_VENV:-$AUTOGRADER_DIR/venv}"
BASE_PYTHON="${AUTOGRADER_BASE_PYTHON:-python3}"

# Ubuntu splits venv support off into python3-venv, and `python3 -m venv --help` works without
# it: only the import of ensurepip tells whether `python3 -m venv` can install pip.
if ! command -v "$BASE_PYTHON" >/dev/null 2>&1 || ! "$BASE_PYTHON" -c 'import ensurepip' 2>/dev/null; then
    echo "setup.sh: installing python3 and python3-venv with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends python3 python3-venv
fi
"$BASE_PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else
    "setup.sh: the grader needs Python 3.10 or newer, found " + sys.version.split()[0]
    + ". Choose the Ubuntu 22.04 (or newer) base image in Configure Autograder.")'

"$BASE_PYTHON" -m venv "$VENV"
# The same requirements as pyproject.toml's dependencies, without matplotlib (grading never
# plots); tests/grader/instructor/test_gradescope_setup.py keeps the two lists in step.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "numpy>=1.24" \
    "pytest>=7.4" \
    "PyYAML>=6.0" \
    "tomli>=1.1; python_version < '3.11'"

# Fail the build, where the instructor sees it, rather than every submission later.
cd "$SOURCE"
PYTHONPATH="$SOURCE" "$VENV/bin/python" -c 'import grader.instructor.autograder'
echo "setup.sh: the grader is installed in $VENV ($("$VENV/bin/python" -V))"
