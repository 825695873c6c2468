"""Masking personal data in a document's text, at indexing time.

A collection that masks keeps, embeds, shows and sends to the model only the masked
text; the files themselves are never changed. Each kind is found by a pattern and
then confirmed by the check its numbers carry, with maintained libraries rather than
by hand: python-stdnum for CPF, CNPJ and IBAN check digits and for the Luhn check of
card numbers, phonenumbers for phone numbers (Brazilian and North American national
forms, any international one), the standard library for IP addresses. A number that
fails its check ("123.456.789-00") is left alone: it is not a CPF.

Person names are not masked: no name finder for Portuguese with its model is on PyPI
(docs/privacy.md says what was searched).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import phonenumbers
from stdnum import iban, luhn
from stdnum.br import cnpj, cpf

from desktop.core.types import Document

EMAIL, PHONE, CPF, CNPJ, CARD, IBAN, IP = "email", "phone", "cpf", "cnpj", "card", "iban", "ip"
# In the order they win where two overlap: the longer, stricter checks first.
KINDS = (EMAIL, IBAN, CNPJ, CPF, CARD, IP, PHONE)
# What replaces each item in the stored text.
PLACEHOLDERS = {
    EMAIL: "[e-mail]",
    PHONE: "[phone]",
    CPF: "[CPF]",
    CNPJ: "[CNPJ]",
    CARD: "[card number]",
    IBAN: "[IBAN]",
    IP: "[IP address]",
}
# How a report names each kind ("2 e-mail addresses").
NAMES = {
    EMAIL: ("e-mail address", "e-mail addresses"),
    PHONE: ("phone number", "phone numbers"),
    CPF: ("CPF", "CPFs"),
    CNPJ: ("CNPJ", "CNPJs"),
    CARD: ("card number", "card numbers"),
    IBAN: ("IBAN", "IBANs"),
    IP: ("IP address", "IP addresses"),
}
PHONE_REGIONS = ("BR", "US")  # national forms read without a country code

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_CPF = re.compile(r"(?<![\d./-])\d{3}\.?\d{3}\.?\d{3}-?\d{2}(?![\d/-]|\.\d)")
_CNPJ = re.compile(r"(?<![\d./-])\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}(?![\d/-]|\.\d)")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


@dataclass(frozen=True)
class Masked:
    text: str
    counts: Counter[str]


def find_items(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each item of personal data in `text`, in order."""
    spans: list[tuple[int, int, str]] = []
    for kind in KINDS:
        for start, end in _FINDERS[kind](text):
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, kind))
    return sorted(spans)


def mask(text: str) -> Masked:
    """`text` with every item of personal data replaced by its kind's placeholder."""
    spans = find_items(text)
    counts: Counter[str] = Counter(kind for _, _, kind in spans)
    for start, end, kind in reversed(spans):
        text = text[:start] + PLACEHOLDERS[kind] + text[end:]
    return Masked(text, counts)


def mask_document(document: Document) -> tuple[Document, Counter[str]]:
    """The document with its title and every section's text and heading masked."""
    counts: Counter[str] = Counter()

    def masked(text: str) -> str:
        result = mask(text)
        counts.update(result.counts)
        return result.text

    sections = tuple(
        replace(s, text=masked(s.text), heading=masked(s.heading)) for s in document.sections
    )
    return replace(document, sections=sections, title=masked(document.title)), counts


def describe_counts(counts: Counter[str]) -> str:
    """"2 e-mail addresses, 1 CPF" ("" for none), in the order of `KINDS`."""
    parts = []
    for kind in KINDS:
        n = counts.get(kind, 0)
        if n:
            one, many = NAMES[kind]
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for m in _EMAIL.finditer(text):
        yield m.span()


Finder = Callable[[str], Iterator[tuple[int, int]]]


def _checked(pattern: re.Pattern[str], valid: Callable[[str], bool]) -> Finder:
    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in pattern.finditer(text):
            if valid(m.group()):
                yield m.span()

    return find


def _card(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn.is_valid(digits)


def _cpf(candidate: str) -> bool:
    return cpf.is_valid(candidate) and len(set(re.sub(r"\D", "", candidate))) > 1


def _cnpj(candidate: str) -> bool:
    return cnpj.is_valid(candidate) and len(set(re.sub(r"\D", "", candidate))) > 1


def _ip(candidate: str) -> bool:
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return not (address.version == 6 and candidate.count(":") < 2)


# "Version 8.6.7.65" reads as an IPv4 address: the word before it tells them apart.
_VERSION_BEFORE = re.compile(r"(?:\bv|version|versão|versao|release|build)\s*$", re.IGNORECASE)


def _ips(text: str) -> Iterator[tuple[int, int]]:
    for pattern in (_IPV4, _IPV6):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 12) : m.start()]
            if _ip(m.group()) and not _VERSION_BEFORE.search(before):
                yield m.span()


def _phones(text: str) -> Iterator[tuple[int, int]]:
    """Numbers valid for their region and grouped as that region writes them; a bare
    run of digits ("1234567890") is more often an order or an account than a phone."""
    strict = phonenumbers.Leniency.STRICT_GROUPING
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, strict):
            if not match.raw_string.isdigit():
                yield match.start, match.end


_FINDERS: dict[str, Finder] = {
    EMAIL: _emails,
    IBAN: _checked(_IBAN, iban.is_valid),
    CNPJ: _checked(_CNPJ, _cnpj),
    CPF: _checked(_CPF, _cpf),
    CARD: _checked(_CARD, _card),
    IP: _ips,
    PHONE: _phones,
}
