"""Every text the code marks is in every catalog, translated, with its placeholders, its markup
and the plural forms its language needs."""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural

from gatekeeper.domain.i18n import LANGUAGES
from gatekeeper.locales import KEYWORDS, catalog_path, load_library, read_catalog

ROOT = Path(__file__).parents[2]
# Telegram's HTML tags (a notice is sent as HTML); "<text>" in a usage line is no tag.
TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|a|code|pre|span|tg-spoiler|blockquote)\b[^<>]*>"
)


def _marked() -> set[str | tuple[str, str]]:
    """What the code marks for translation, extracted as `pybabel extract` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(tuple(message) if isinstance(message, list | tuple) else message)  # type: ignore[arg-type]
    return found


MARKED = _marked()


def _fields(text: str) -> Counter[str]:
    return Counter(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


def _tags(text: str) -> Counter[str]:
    return Counter(TAG.findall(text))


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _english(message: Message) -> list[str]:
    """The message id, and its plural when it has one."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _translated(message: Message) -> list[str]:
    """The translation, or each of its plural forms."""
    if isinstance(message.string, str):
        return [message.string]
    return [form or "" for form in message.string or ()]


def test_the_code_marks_its_texts() -> None:
    assert len(MARKED) > 100
    assert "🛡 Protection is on. Members must join: {channels}" in MARKED


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_catalog_holds_every_marked_text_and_nothing_else(language: str) -> None:
    assert catalog_path(language).is_file(), f"no catalog for {language}"
    catalog = read_catalog(language)
    ids = {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in _messages(catalog)
    }
    assert MARKED - ids == set(), f"{language} lacks these texts"
    assert ids - MARKED == set(), f"{language} has texts the code no longer uses"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_is_translated_with_its_placeholders_and_markup(language: str) -> None:
    for message in _messages(read_catalog(language)):
        english, strings = _english(message), _translated(message)
        assert not message.fuzzy, f"{language}: unreviewed {english[0]!r}"
        for translated in strings:
            assert translated, f"{language}: {english[0]!r} is not translated"
            assert _fields(translated).keys() == _fields(english[-1]).keys(), (
                f"{language}: the placeholders of {english[0]!r}"
            )
            assert _tags(translated) == _tags(english[0]), f"{language}: markup of {english[0]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_are_the_languages_own(language: str) -> None:
    catalog = read_catalog(language)
    rule = get_plural(language)
    assert catalog.num_plurals == rule.num_plurals
    assert catalog.plural_expr == rule.plural_expr
    for message in _messages(catalog):
        if message.pluralizable and language != "en":
            forms = _translated(message)
            assert len(forms) == rule.num_plurals, f"{language}: {_english(message)[0]!r}"


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 участник."),
        (2, "2 участника."),
        (5, "5 участников."),
        (21, "21 участник."),
        (11, "11 участников."),
        (104, "104 участника."),
    ],
)
def test_russian_counts_members_as_russian_does(count: int, words: str) -> None:
    ru = load_library().texts("ru")
    said = ru.tr_n(
        "Protection is off. Releasing the {count} member I muted.",
        "Protection is off. Releasing the {count} members I muted.",
        count,
    )
    assert said.endswith(words)


def test_every_translation_fills_in_without_error() -> None:
    library = load_library()
    for language in LANGUAGES:
        texts = library.texts(language)
        assert texts.language == language
        for message in _messages(read_catalog(language)):
            if isinstance(message.id, str):
                values = dict.fromkeys(_fields(message.id), "x")
                assert texts.tr(message.id, **values)
            else:
                values = dict.fromkeys(_fields(message.id[1]), "x")
                values.pop("count", None)
                for n in (0, 1, 2, 3, 5, 11, 21, 100, 1_000_000):
                    assert str(n) in texts.tr_n(message.id[0], message.id[1], n, **values)
