"""Exports of the stateful stage's topics to other formats."""
