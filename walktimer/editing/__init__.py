"""Editing session scripts in place: the document, its reversible commands, saving."""
