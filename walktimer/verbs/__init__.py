"""One module per command-line verb; see walktimer.cli."""
