"""English and Portuguese: which language a text is in, words as retrieval compares them,
accents and respellings across the two languages."""
