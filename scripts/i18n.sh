#!/usr/bin/env bash
# Extracts walktimer's translatable strings into walktimer/i18n/locale/walktimer.pot and merges
# them into every language's .po file (new strings arrive empty, changed ones marked fuzzy).
#   scripts/i18n.sh            extract and merge
#   scripts/i18n.sh --pot FILE extract only, into FILE (the tests compare it with the catalogues)
# Strings are marked by calling gettext/ngettext on a Phrases object (walktimer.i18n).
set -euo pipefail
cd "$(dirname "$0")/.."

LOCALE=walktimer/i18n/locale
pot=$LOCALE/walktimer.pot
if [ "${1:-}" = "--pot" ]; then
  pot=$2
fi

mapfile -t sources < <(git ls-files --cached --others --exclude-standard 'walktimer/*.py' | sort)
xgettext --language=Python --from-code=UTF-8 --keyword= --keyword=gettext \
  --keyword=ngettext:1,2 --keyword=pgettext:1c,2 --keyword=N_ --add-comments=Translators: --sort-by-file --add-location=file --no-wrap \
  --package-name=walktimer --msgid-bugs-address=none --output="$pot" "${sources[@]}"
# The header's creation date changes on every run; keep the file stable when nothing else did.
sed -i '/^"POT-Creation-Date: /d' "$pot"

if [ "${1:-}" = "--pot" ]; then
  exit 0
fi
for po in "$LOCALE"/*.po; do
  msgmerge --quiet --update --backup=none --no-wrap "$po" "$pot"
done
