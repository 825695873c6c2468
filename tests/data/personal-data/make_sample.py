"""Writes sample.jsonl: sentences in Portuguese and English holding personal data of
each kind, labelled, beside hard negatives (numbers that look alike but fail their
check, dates, versions, ISBNs, amounts, order numbers). Every item is made up: the
CPFs, CNPJs, cards and IBANs get valid check digits from python-stdnum, the phone
numbers are in reserved or fictional ranges, the addresses use example domains.

    python tests/data/personal-data/make_sample.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from stdnum import iban, luhn
from stdnum.br import cnpj, cpf

rng = random.Random(20261207)


def digits(n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def cpf_check_digits(base: str) -> str:
    """The two mod-11 digits (python-stdnum keeps its own helper private)."""
    for _ in range(2):
        total = sum(int(d) * w for d, w in zip(base, range(len(base) + 1, 1, -1), strict=True))
        base += str(0 if total % 11 < 2 else 11 - total % 11)
    return base[-2:]


def a_cpf(formatted: bool = True) -> str:
    base = digits(9)
    number = base + cpf_check_digits(base)
    assert cpf.is_valid(number)
    return cpf.format(number) if formatted else number


def a_cnpj() -> str:
    base = digits(12)
    return cnpj.format(base + cnpj.calc_check_digits(base))


def a_card() -> str:
    base = "4" + digits(14)
    number = base + luhn.calc_check_digit(base)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def an_iban(country: str, length: int) -> str:
    bban = digits(length - 4)
    number = country + iban.calc_check_digits(country + "00" + bban) + bban
    return iban.format(number)


def invalid_cpf() -> str:
    good = a_cpf(formatted=False)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    return cpf.format(bad)


lines: list[dict[str, object]] = []


def add(template: str, **items: tuple[str, str]) -> None:
    text = template.format(**{k: v for k, (_, v) in items.items()})
    lines.append({"text": text, "items": [{"kind": kind, "value": v} for kind, v in items.values()]})


for _ in range(6):
    add("O cliente {a}, CPF {b}, pediu a segunda via.", a=("email", f"cliente{digits(3)}@exemplo.com.br"), b=("cpf", a_cpf()))
    add("Fornecedor com CNPJ {a}; contato pelo telefone {b}.", a=("cnpj", a_cnpj()), b=("phone", f"(11) 9{digits(4)}-{digits(4)}"))
    add("Pagamento no cartão {a}, titular avisado por {b}.", a=("card", a_card()), b=("email", f"financeiro{digits(2)}@example.org"))
    add("Transfer to {a} was confirmed by phone at {b}.", a=("iban", an_iban("DE", 22)), b=("phone", f"(415) 555-{digits(4)}"))
    add("The login came from {a} and, later, from {b}.", a=("ip", f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"), b=("ip", f"2001:db8::{digits(2)}:{digits(3)}"))
    add("Ligue para {a} ou escreva para {b}.", a=("phone", f"+55 21 3{digits(3)}-{digits(4)}"), b=("email", f"ana.souza{digits(2)}@example.net"))
    add("Conta PT {a}, CPF sem pontos {b}.", a=("iban", an_iban("PT", 25)), b=("cpf", a_cpf(formatted=False)))
    add("Call +1 202 555 {a} before noon.", a=("phone", f"+1 202 555 {digits(4)}"))
# hard negatives: nothing here is personal data
for _ in range(6):
    add(f"O CPF {invalid_cpf()} foi recusado: dígitos verificadores errados.")
    add(f"Pedido 2024-{digits(6)} de {rng.randint(1, 28)}/0{rng.randint(1, 9)}/2024, valor R$ {rng.randint(1, 999)}.{digits(3)},{digits(2)}.")
    add(f"Version {rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 99)} fixes ISBN 978-3-16-148410-0 lookups.")
    add(f"O protocolo {digits(10)} foi aberto às 10:{rng.randint(10, 59)}:{rng.randint(10, 59)}.")
    add(f"Card ending 4242 and the account {digits(8)} were closed; the MAC is 00:1B:44:11:3A:B7.")

path = Path(__file__).with_name("sample.jsonl")
path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
print(f"{len(lines)} lines, {sum(len(x['items']) for x in lines)} items -> {path}")  # type: ignore[arg-type]
