"""The shared look: house style, number and finding words, charts."""
