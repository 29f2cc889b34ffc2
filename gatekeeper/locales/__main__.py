"""`python -m gatekeeper.locales extract|update|init LANG`: pybabel with this project's
keywords and paths (docs/translations.md)."""

from __future__ import annotations

import sys

from babel.messages.frontend import CommandLineInterface

from gatekeeper.locales import DOMAIN, KEYWORDS, LOCALES, TEMPLATE


def _keywords() -> list[str]:
    flags = []
    for name, spec in KEYWORDS.items():
        flags.append(f"-k{name}" + (":" + ",".join(map(str, spec)) if spec else ""))
    return flags


def main(argv: list[str]) -> None:
    step, *rest = argv or ["help"]
    root = str(LOCALES.parent.parent)
    if step == "extract":
        args = ["extract", "-F", f"{root}/babel.cfg", *_keywords(), "--no-default-keywords"]
        args += ["--no-location", "--sort-output", "--project=gatekeeper", "-o", str(TEMPLATE)]
        args += [root]
    elif step == "update":
        args = ["update", "-i", str(TEMPLATE), "-d", str(LOCALES), "-D", DOMAIN, "-w", "100"]
        args += ["--no-fuzzy-matching", "--ignore-obsolete"]
    elif step == "init" and rest:
        args = ["init", "-i", str(TEMPLATE), "-d", str(LOCALES), "-D", DOMAIN, "-l", rest[0]]
    else:
        print(__doc__)
        return
    CommandLineInterface().run(["pybabel", *args])  # type: ignore[no-untyped-call]
    _drop_dates()


def _drop_dates() -> None:
    """Babel stamps each file with the time it ran: a line every branch would change, and so a
    conflict whenever two branches add texts. The catalogs do without it."""
    for path in (TEMPLATE, *LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith('"POT-Creation-Date:')]
        if kept != lines:
            path.write_text("".join(kept), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
