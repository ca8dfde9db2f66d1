"""Sound output: the only package that imports pyttsx3 or simpleaudio."""
