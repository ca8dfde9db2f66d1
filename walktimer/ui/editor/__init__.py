"""The session editor: change a script through forms or its source, keeping its comments."""

from walktimer.ui.editor.window import EditorWindow, OpenError

__all__ = ["EditorWindow", "OpenError"]
