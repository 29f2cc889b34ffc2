"""The message catalogs (`<lang>/LC_MESSAGES/messages.po`) and their loading at start.

The .po files are read as they are (Babel) and compiled in memory for the standard library's
gettext: no compiled .mo files to build, ship or let go stale beside their sources.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from gatekeeper.domain.i18n import LANGUAGES, Library, Texts

LOCALES = Path(__file__).parent
DOMAIN = "messages"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
# The calls that mark a text for extraction (domain/i18n.py): pybabel's -k options.
KEYWORDS = {"tr": None, "tr_n": (1, 2), "N_": None, "CommandError": None}


def catalog_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def translations(catalog: Catalog) -> gettext.GNUTranslations:
    """The catalog compiled for gettext; fuzzy (unreviewed) entries stay English."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_library() -> Library:
    """Every language's texts, read once at start."""
    return Library(
        {
            language: Texts(language, translations(read_catalog(language)))
            for language in LANGUAGES
            if catalog_path(language).is_file()
        }
    )
