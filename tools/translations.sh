#!/usr/bin/env bash
# Refresh the UI translations after changing a template string:
# extract -> merge into app/web/translations/zh -> compile. Translate the new
# msgstr entries in messages.po by hand, then run this again to compile.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
$pybabel extract -F babel.cfg -o /tmp/layerlab-messages.pot templates app/web
po=app/web/translations/zh/LC_MESSAGES/messages.po
if [ -f "$po" ]; then
  $pybabel update -i /tmp/layerlab-messages.pot -d app/web/translations -l zh --no-fuzzy-matching
else
  $pybabel init -i /tmp/layerlab-messages.pot -d app/web/translations -l zh
fi
$pybabel compile -d app/web/translations
