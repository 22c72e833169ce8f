"""Find, load and validate question banks; every problem in every file is reported at once."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from labkit.errors import LabError
from quiz.checks import check_question, ident
from quiz.exam import check_pass_mark, check_pick
from quiz.fields import Reporter, describe
from quiz.model import Bank, BankError, Problem, Question
from quiz.yamlio import YMap, YSeq, load_tree

SCHEMA_VERSION = 1
TOP_KEYS = ("schema_version", "bank", "title", "questions", "pass_mark", "pick")
PACKAGE_BANKS = Path(__file__).resolve().parent / "banks"
TOP_KEYS = (*TOP_KEYS, "draft")  # `draft: true` keeps a bank out of students' runs
SUFFIXES = (".yaml", ".yml")


class BankPathError(LabError):
    """A path given on the command line is not a bank file, a directory or a bank id."""


def default_banks_dir(start: Path | None = None) -> Path:
    """`quiz/banks/` of the course the user stands in (cwd or an ancestor), else the package's."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "quiz" / "banks"
        if candidate.is_dir():
            return candidate
    return PACKAGE_BANKS


def display_path(path: Path) -> str:
    """A path relative to cwd when it is below it, so editors and terminals can open it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def bank_files(paths: Sequence[Path]) -> list[Path]:
    """The files named, and the `.yaml`/`.yml` files directly inside the directories named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Case-blind (Windows saves `Bank.YAML`); hidden files such as macOS's `._bank.yaml`
            # copies are not banks.
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.is_file()
            )
            if not found:
                raise BankPathError(
                    f"{display_path(path)} holds no .yaml or .yml bank files. "
                    "Add one, or name a bank file"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise BankPathError(
                f"{display_path(path)} does not exist. "
                "Name a bank file, a folder of banks, or a bank id"
            )
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def check_files(files: Iterable[Path]) -> tuple[list[Bank], list[Problem]]:
    """Validate every file and the ids across them; never raises for bank content."""
    banks: list[Bank] = []
    problems: list[Problem] = []
    ids: list[tuple[str, str, str, int, int]] = []
    draft_ids: list[tuple[str, str, str, int, int]] = []
    for file in files:
        bank, found, file_ids = _check_file(file)
        problems.extend(found)
        # A clash is reported on the bank seen second; seeing drafts last means a student's
        # run skips the draft that copied an id, never the live bank it was copied from.
        (draft_ids if bank is not None and bank.draft else ids).extend(file_ids)
        if bank is not None:
            banks.append(bank)
    problems.extend(_duplicates(ids + draft_ids))
    return banks, sorted(problems, key=lambda p: (p.file, p.line, p.col))


def load_banks(files: Iterable[Path]) -> list[Bank]:
    """The valid banks in these files; raises BankError listing every problem otherwise."""
    banks, problems = check_files(files)
    if problems:
        raise BankError(problems)
    return banks


def _check_file(
    path: Path,
) -> tuple[Bank | None, list[Problem], list[tuple[str, str, str, int, int]]]:
    """The bank if valid, its problems, and the (kind, id, file, line) of every id it defines."""
    name = display_path(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        return (
            None,
            [
                Problem(
                    name,
                    1,
                    1,
                    None,
                    f"cannot read the file ({exc.strerror}). Check that it exists and is readable",
                )
            ],
            [],
        )
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(name, data, exc)], []
    tree, problems = load_tree(text, name)
    if tree is None:
        return None, problems, []
    report = Reporter(name)
    report.problems = problems
    bank = _check_bank(tree, report, hashlib.sha256(data).hexdigest())
    if _draft(tree, report) and bank is not None:
        bank = dataclasses.replace(bank, draft=True)
    return (bank if not report.problems else None), report.problems, report.ids


def _not_utf8(name: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Where the first byte that is not UTF-8 sits, and what the file probably is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        what = "it is UTF-16 text"
    else:
        what = f"byte 0x{data[exc.start]:02X} is not UTF-8; Windows editors often save Latin-1"
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    col = exc.start - (before.rfind(b"\n") + 1) + 1
    return Problem(
        name,
        line,
        col,
        None,
        f"the file is not UTF-8 text ({what}). Save it as UTF-8 (in most editors: "
        "Save with Encoding, UTF-8)",
    )


def _check_bank(tree, report: Reporter, sha256: str) -> Bank | None:
    if not isinstance(tree, YMap):
        report.add(
            tree,
            f"a bank must be a mapping, not {describe(tree)}. Start the file with "
            "`schema_version: 1`, `bank: <id>` and `questions:`",
        )
        return None
    report.keys(tree, TOP_KEYS, ["schema_version", "bank", "questions"], "a bank")
    entries = {k: v for k, (_, v) in tree.entries.items()}
    if "schema_version" in entries:
        version = entries["schema_version"]
        value = getattr(version, "value", None)
        if isinstance(value, str) and value.strip() == str(SCHEMA_VERSION):
            report.add(
                version,
                f'schema_version is the text "{value}", not a number. '
                f"Remove the quotes: `schema_version: {SCHEMA_VERSION}`",
            )
        elif value != SCHEMA_VERSION or isinstance(value, bool):
            report.add(
                version,
                f"schema_version {getattr(version, 'raw', '?')} is not supported; "
                f"this quiz reads only version {SCHEMA_VERSION}. "
                f"Write `schema_version: {SCHEMA_VERSION}`",
            )
    bank_id = report.text(entries["bank"], "bank") if "bank" in entries else None
    if bank_id is not None and not ident(bank_id):
        report.add(
            entries["bank"],
            f"the bank id `{bank_id}` may use only lowercase letters, "
            "digits and single hyphens. Write e.g. `momentum`",
        )
    elif bank_id is not None:
        bank_pos = entries["bank"].pos
        report.ids.append(("bank", bank_id, report.file, bank_pos.line, bank_pos.col))
    title = report.text(entries["title"], "title") if "title" in entries else bank_id
    questions: list[Question | None] = []
    node = entries.get("questions")
    if node is not None and not isinstance(node, YSeq):
        report.add(
            node,
            f"`questions` must be a list, not {describe(node)}. Start each question with `- id:`",
        )
    elif isinstance(node, YSeq):
        if not node.items:
            report.add(node, "`questions` is empty. Add at least one question")
        for index, item in enumerate(node.items):
            questions.append(check_question(item, index, bank_id or "?", report))
        report.question = None
    if report.problems or bank_id is None or title is None:
        return None
    done = tuple(q for q in questions if q is not None)
    pass_mark = check_pass_mark(entries["pass_mark"], report) if "pass_mark" in entries else None
    pick = check_pick(entries["pick"], done, report) if "pick" in entries else ()
    if report.problems:
        return None
    return Bank(
        id=bank_id,
        title=title,
        file=report.file,
        sha256=sha256,
        questions=done,
        pass_mark=pass_mark,
        pick=pick or (),
    )


def _draft(tree: object, report: Reporter) -> bool:
    """The bank's `draft:` flag (checked here so a draft is still fully validated)."""
    if not isinstance(tree, YMap) or "draft" not in tree.entries:
        return False
    return bool(report.boolean(tree.entries["draft"][1], "draft"))


def _duplicates(ids: list[tuple[str, str, str, int, int]]) -> list[Problem]:
    """Ids must be unique across all files: results and `--tag` refer to questions by id."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for kind, name, file, line, col in ids:
        first = seen.setdefault((kind, name), (file, line))
        if first != (file, line):
            problems.append(
                Problem(
                    file,
                    line,
                    col,
                    name if kind == "question" else None,
                    f"the {kind} id `{name}` is already used at {first[0]}:{first[1]}. "
                    f"Give each {kind} its own id",
                )
            )
    return problems
