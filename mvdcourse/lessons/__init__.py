"""One module per lesson: pure data/plot functions plus thin widget builders."""
