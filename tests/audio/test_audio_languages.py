"""German and Spanish speech, for real: the script's [voice] language picks espeak-ng's voice for
that language, and walktimer's own words are rendered in it too (the file sink of
test_audio_real stands in for the sound card)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_audio_real import DRIVER, check_spoken, device, played, run, seconds

from walktimer.audio.clip import read_wav

pytestmark = pytest.mark.slow
__all__ = ["device"]  # the fixture, used by name

SESSION = """
format = 1
name = "Sprachprobe"

[voice]
voice = "{language}"
rate = 160

[[phase]]
name = "Gehen"
duration = "30s"
say = "{words}"
"""


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("de", "Kopf gerade, der Blick geht nach vorn. Schultern locker."),
        ("es", "Cabeza recta, la mirada al frente. Hombros relajados."),
    ],
)
def test_a_cue_is_spoken_in_the_scripts_language(
    device: Path, tmp_path: Path, language: str, words: str
) -> None:
    script = tmp_path / "probe.toml"
    script.write_text(SESSION.format(language=language, words=words), encoding="utf-8")
    result = run(DRIVER, str(script))
    assert result.returncode == 0, result.stderr
    assert "NOTICE" not in result.stdout  # the voice is installed and was used
    assert "PROGRESS 2 2" in result.stdout

    [spoken] = played(device, 22050)
    clip = read_wav(spoken)
    assert not clip.is_silent()
    reference = tmp_path / "reference.wav"
    subprocess.run(
        ["espeak-ng", "-v", language, "-s", "160", "-w", str(reference), words], check=True
    )
    check_spoken(spoken, seconds(reference))
    # Both texts, the words and walktimer's own finish in the language, were rendered.
    cache = Path(os.environ["XDG_CACHE_HOME"], "walktimer", "speech")
    assert len(list(cache.glob("*.wav"))) == 2
