"""One controller per use case of the window: indexing, answering, adapters, chats, settings.

Each owns the state of its work, submits it to the window's `JobRunner` and shows its
events in the views it was given; the window only assembles them (see STYLE.md, "When a
window grows").
"""
