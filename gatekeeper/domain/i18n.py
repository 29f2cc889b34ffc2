"""The bot's words in the reader's language: which languages there are, and texts rendered
from message catalogs (loaded by an adapter at start; here only the standard library).

Every user-facing text is an English message id marked for extraction (`tr`, `tr_n`, `N_`,
`CommandError`); its placeholders are named (`{channel}`), filled in after translation.
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

LANGUAGES = ("en", "ru", "es", "pt_BR", "id", "hi", "fa", "ar")
DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"fa", "ar"})
# Telegram's IETF tags that name one of ours differently: Portuguese is served in the Brazilian
# form, and old clients still send "in" for Indonesian.
_ALIASES = {"pt": "pt_BR", "in": "id"}


class Translator(Protocol):
    """What a compiled catalog gives (gettext.GNUTranslations has exactly this)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


def N_(message: str) -> str:
    """Marks a message kept in a constant for extraction; it is translated where it is shown."""
    return message


def language_of(code: str | None) -> str | None:
    """One of LANGUAGES for a Telegram language tag ("ru", "pt-br", "es-419"), or None."""
    if not code:
        return None
    tag = code.strip().replace("_", "-").lower()
    if not tag:
        return None
    exact = {lang.replace("_", "-").lower(): lang for lang in LANGUAGES}
    if tag in exact:
        return exact[tag]
    base = tag.split("-")[0]
    return exact.get(base) or _ALIASES.get(base)


@dataclass(frozen=True, slots=True)
class Name:
    """A value that is a name or @username: isolated as the language needs (`Texts.name`)."""

    text: str


@dataclass(frozen=True, slots=True)
class Known:
    """A value that is a message id kept as data (a problem Telegram reported), translated."""

    message: str


@dataclass(frozen=True, slots=True)
class Texts:
    """The words of one language."""

    language: str = DEFAULT_LANGUAGE
    translator: Translator = field(default_factory=gettext.NullTranslations)

    @property
    def right_to_left(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    def tr(self, message: str, **values: object) -> str:
        """`message` translated, its placeholders filled in."""
        return _fill(self.translator.gettext(message), message, self._values(values))

    def tr_n(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The plural form for `count` (`{count}` is filled in too)."""
        translated = self.translator.ngettext(singular, plural, count)
        english = singular if count == 1 else plural
        return _fill(translated, english, {"count": count, **self._values(values)})

    def _values(self, values: Mapping[str, object]) -> dict[str, object]:
        return {key: self._value(value) for key, value in values.items()}

    def _value(self, value: object) -> object:
        if isinstance(value, Name):
            return self.name(value.text)
        if isinstance(value, Known):
            return self.known(value.message)
        return value

    def name(self, text: str) -> str:
        """A name or @username to put in a text: isolated where its direction could reorder
        the words around it (any name in a right-to-left text; a right-to-left name in any)."""
        if self.right_to_left or any(_rtl(ch) for ch in text):
            return "\u2068" + text + "\u2069"  # first-strong isolate ... pop isolate
        return text

    def known(self, message: str) -> str:
        """A message id kept as data (a link's problem in storage), translated if it is one of
        the catalog's, else as it is; nothing is filled in."""
        return self.translator.gettext(message)


def _rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def _fill(translated: str, english: str, values: Mapping[str, object]) -> str:
    try:
        return translated.format_map(values)
    except (KeyError, IndexError, ValueError, AttributeError):
        # A broken translation (the catalog test catches these) must not break the reply.
        return english.format_map(values)


ENGLISH = Texts()


class Library:
    """Every language's texts; anything unknown is answered in English."""

    def __init__(self, texts: Mapping[str, Texts] | None = None) -> None:
        self._texts = dict(texts or {})

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang == DEFAULT_LANGUAGE or lang in self._texts)

    def texts(self, code: str | None) -> Texts:
        language = language_of(code)
        if language is None:
            return self._texts.get(DEFAULT_LANGUAGE, ENGLISH)
        return self._texts.get(language) or self._texts.get(DEFAULT_LANGUAGE, ENGLISH)
