"""Pure session logic: no Qt, no audio, no wall-clock calls."""
