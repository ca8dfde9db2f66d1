"""Importers: other programs' workout files turned into format-1 session scripts.

They read files and parse foreign formats (defusedxml, tomlkit), so they sit outside
walktimer.core, which never imports them; the CLI verbs and the window call them.
"""
