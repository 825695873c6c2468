"""A model's answer and a pasted question are text in the transcript: no HTML, no
links but citations, no images, nothing hidden."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from desktop.services.chats import ChatMessage
from desktop.ui.views.chat import ChatView

HOSTILE = (
    "The budget is 48,000 euros [1]. <img src='file:///etc/passwd'> <!-- the rest "
    "is hidden --> [click](javascript:alert(1)) ![x](file:///home/u/secret.png) "
    "<a href='file:///etc/shadow'>open</a> <b style='color:white'>white</b> "
    "https://evil.example/ <file:///etc/hosts> &lt;entity&gt; \\[2] **bold** end."
)


def test_html_links_and_images_in_an_answer_are_shown_as_text(qtbot: QtBot) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.show_messages([ChatMessage("user", "<img src=x> What is <b>it</b>?"),
                        ChatMessage("assistant", HOSTILE)])  # fmt: skip
    html = view.transcript.toHtml()
    assert re.findall(r'href="([^"]*)"', html) == ["cite:1:1", "cite:1:2"]
    assert "<img" not in html and "javascript" not in re.sub(r">[^<]*<", "><", html)
    shown = view.transcript.toPlainText()
    # everything is there, as written: the comment hides nothing
    for text in ("<img src='file:///etc/passwd'>", "<!-- the rest is hidden -->",
                 "[click](javascript:alert(1))", "![x](file:///home/u/secret.png)",
                 "<a href='file:///etc/shadow'>open</a>", "https://evil.example/",
                 "<file:///etc/hosts>", "&lt;entity&gt;", "end.",
                 "<img src=x> What is <b>it</b>?"):  # fmt: skip
        assert text in shown, text
    assert "bold" in shown and "**bold**" not in shown  # Markdown emphasis still works
