"""walktimer: a guided walking timer that speaks a session script's cues."""

__version__ = "0.1.0"
APP_ID = "org.walktimer.WalkTimer"
APP_NAME = "walktimer"
