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


if __name__ == "__main__":
    main(sys.argv[1:])
