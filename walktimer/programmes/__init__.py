"""Programmes: weeks of walks that build up slowly, and the pain diary that can hold them.

- `format`: the programme file (TOML, format 1), checked with FILE:LINE:COL problems.
- `build`: the session a week's walk runs, found by name, or built to a length.
- `progress`: pure week-by-week progression and the safety rules over the pain diary.
- `store`: the walker's enrolment (which programme, paused or not), kept in one small file.
"""
