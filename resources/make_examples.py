"""Write the two sample documents the README's first steps use (run once; the PDFs are kept).

`python resources/make_examples.py` rewrites examples/maintenance-report-2025.pdf (English)
and relatorio-de-obras-2025.pdf (Portuguese). Their text is made up for Arquivo and is
under the repository's licence.
"""

from pathlib import Path

import pymupdf

HERE = Path(__file__).parent / "examples"

ENGLISH = [
    ("Harbour Water Works: Maintenance Report 2025", [
        "This report covers the maintenance of the pumping stations and the water mains "
        "of the Harbour district from January to December 2025.",
        "Summary. Three pumping stations were serviced and 4.2 km of water mains were "
        "inspected. One cracked valve was found at the North station in March and "
        "replaced within two days.",
    ]),
    ("Budget", [
        "The maintenance budget for 2025 was 1.8 million euros, of which 1.1 million went "
        "to the pumping stations and 0.7 million to the water mains.",
        "Spending ended the year at 1.72 million euros, 4% under budget, because the "
        "replacement of the South station's motors moved to 2026.",
    ]),
    ("Plans for 2026", [
        "The South station's two motors will be replaced in the spring of 2026. The "
        "inspection of the remaining 6 km of water mains is planned for the autumn.",
    ]),
]

PORTUGUESE = [
    ("Prefeitura de Vila Serena: Relatório de Obras 2025", [
        "Este relatório descreve as obras públicas realizadas em Vila Serena em 2025: a "
        "reforma da escola municipal, a nova ponte sobre o rio Claro e a pavimentação "
        "de ruas do bairro Jardim.",
    ]),
    ("Escola municipal", [
        "A reforma da escola municipal começou em fevereiro e foi concluída em julho de "
        "2025. Foram trocados o telhado e a instalação elétrica, e a escola ganhou uma "
        "biblioteca com 40 lugares.",
    ]),
    ("Ponte do rio Claro", [
        "A nova ponte sobre o rio Claro tem 85 metros e custou 2,3 milhões de reais. Ela "
        "foi aberta ao trânsito em 12 de outubro de 2025.",
        "A pavimentação do bairro Jardim cobriu 3,5 km de ruas e terminou em novembro.",
    ]),
]


def write(path: Path, sections: list[tuple[str, list[str]]]) -> None:
    """One section a page: a heading, then its paragraphs."""
    document = pymupdf.open()
    for heading, paragraphs in sections:
        page = document.new_page()
        page.insert_textbox(pymupdf.Rect(72, 72, 523, 110), heading, fontsize=16)
        body = "\n\n".join(paragraphs)
        page.insert_textbox(pymupdf.Rect(72, 120, 523, 770), body, fontsize=11)
    document.set_metadata({"title": sections[0][0], "author": "Arquivo (sample)"})
    document.save(path, garbage=4, deflate=True)


if __name__ == "__main__":
    write(HERE / "maintenance-report-2025.pdf", ENGLISH)
    write(HERE / "relatorio-de-obras-2025.pdf", PORTUGUESE)
