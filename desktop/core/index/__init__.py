"""What is indexed: the collections database (SQLite) and the vector store (LanceDB)."""
