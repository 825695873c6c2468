"""The sentence of the sources that best supports an answer.

A tiny chat model often answers badly, but the passage it was given usually
holds the answer in one sentence: on FaQuAD's public split, the sentence of the
gold paragraph sharing the most words with the question held a gold answer far
more often than a tiny model's own answer did (see docs/measurements.md). So
every answer comes with that sentence, and the interfaces highlight it in its
source.

Sentences come from `sentences.split_sentences`; words are compared as
`words.terms`, a cheap stemmer that needs no language switch.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.language.detect import passage_language, question_language
from desktop.core.language.respellings import OTHER_LANGUAGE, respelled
from desktop.core.language.sentences import Sentence, split_sentences
from desktop.core.language.words import terms
from desktop.core.types import Hit, Source, Support


def best_sentence(text: str, question: str) -> Sentence | None:
    """The sentence of `text` sharing the most words with the question."""
    found = best_support(question, "", [Source(1, Hit("", "", text, None, "", 0.0))])
    return None if found is None else Sentence(found.sentence, found.start, found.end)


def best_support(
    question: str,
    answer: str,
    sources: Sequence[Source],
    cited: Sequence[int] = (),
) -> Support | None:
    """The sentence of the used sources that best supports the answer to `question`.

    The used sources are those the answer cites, or all when it cites none or
    when no cited source shares a word with the question (a wrong citation). A
    sentence scores by the question's words it holds; the answer's words
    break ties, then the better-ranked source, then the shorter sentence. None
    when no sentence shares a word with the question or the answer.
    """
    used = [s for s in sources if s.n in set(cited)]
    if used:
        found = _best_support(question, answer, used)
        if found is not None and found[0][0] > 0:
            return found[1]
        # the cited sources share no word with the question: a wrong citation
    found = _best_support(question, answer, list(sources))
    return None if found is None else found[1]


def attribute(answer: str, question: str, sources: Sequence[Source]) -> int | None:
    """The number of the source an uncited answer came from: the one sharing most of
    the answer's words (the question's break ties), then the better ranked; None when
    no source shares a word with the answer."""
    said = terms(answer)
    wanted = terms(question)
    best: tuple[tuple[int, int, int], int] | None = None
    for rank, source in enumerate(sources):
        words = terms(source.hit.text)
        key = (len(words & said), len(words & wanted), -rank)
        if key[0] and (best is None or key > best[0]):
            best = (key, source.n)
    return None if best is None else best[1]


def _respelled_terms(question: str) -> tuple[str | None, set[str]]:
    """The question's language and its words respelled the other language's way
    (`respellings`), as `terms`: the sources of an English question may be
    Portuguese, and the other way round."""
    asked_in = question_language(question)
    other = OTHER_LANGUAGE.get(asked_in or "")
    if asked_in is None or other is None:
        return asked_in, set()
    return asked_in, terms(" ".join(respelled(question, asked_in, other)))


def _best_support(
    question: str, answer: str, used: Sequence[Source]
) -> tuple[tuple[float, ...], Support] | None:
    """The best sentence of `used` with its sort key (question words first)."""
    wanted = terms(question)
    asked_in, respelled_terms = _respelled_terms(question)
    said = terms(answer) - wanted
    best: tuple[tuple[float, ...], Support] | None = None
    for rank, source in enumerate(used):
        # respellings only for a source in the other language: in the question's own,
        # "special" respelled "especial" would count "especially" as a question word
        wanted_here, said_here = wanted, said
        if respelled_terms and passage_language(source.hit.text, asked_in or "") != asked_in:
            wanted_here, said_here = wanted | respelled_terms, said - respelled_terms
        for sentence in split_sentences(source.hit.text):
            words = terms(sentence.text)
            on_question = len(words & wanted_here)
            on_answer = len(words & said_here)
            if not on_question and not on_answer:
                continue
            key = (on_question, on_answer, -rank, -len(sentence.text))
            if best is None or key > best[0]:
                support = Support(source.n, sentence.text, sentence.start, sentence.end)
                best = (key, _without_heading(support, source.hit.heading))
    return best


def _without_heading(support: Support, heading: str) -> Support:
    """The sentence less its source's heading, where the heading's line starts it.

    A chunk's text begins with its heading's line, which has no full stop, so the
    splitter runs it into the first sentence under it ("Budget The budget was...").
    Only what is shown and highlighted changes: the choice is made before.
    """
    first, newline, rest = support.sentence.partition("\n")
    body = rest.lstrip()
    if not (heading.strip() and newline and body and first.strip() == heading.strip()):
        return support
    return Support(support.n, body, support.end - len(body), support.end)
