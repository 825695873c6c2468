"""Use cases: index folders, answer questions. They combine core parts, report
progress by yielding events, and never know about threads or Qt."""
