"""Format 1 in one place: its key tables and limits, and one parser per kind of value.

`tables` holds the keys each table may carry and every numeric limit; `values` holds the
parsers (duration, offset, speed, incline, sound, voice rate, volume, countdown, repeat,
texts), each beside the JSON-schema fragment built from it; `text` says which characters a
text may hold and escapes anything from a file before it reaches a terminal. The loader, the
schema, the editor's forms and the docs test use these and copy none of them; a test keeps
every other module from copying them (the .zwo importer still has its own speed range).
"""
