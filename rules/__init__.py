"""The rules every page asks: who sees what, and how personal data is masked."""
