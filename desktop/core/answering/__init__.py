"""What the chat model is given: the prompt from the sources, and whole-document summaries."""
