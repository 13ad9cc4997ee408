"""Build and shell notes in the page's language.

The builder writes its remarks in English with the variable part inline
("/src did not exist: BuildKit creates it, ..."). Each known remark is a
pattern here and a message in the translation catalogue, so a 中文 page shows
it in Chinese; a remark no pattern knows is shown as written.
"""

from __future__ import annotations

import re

from flask_babel import gettext


def N_(message: str) -> str:  # marks a message for pybabel extract; translated at request time
    return message


_NOTES = [
    (re.compile(r"^(?P<path>.+) did not exist: BuildKit creates it, in a small layer of its own$"),
     N_("%(path)s did not exist: BuildKit creates it, in a small layer of its own")),
    (re.compile(r"^not simulated: (?P<command>.+)$"), N_("not simulated: %(command)s")),
    (re.compile(r"^starts from the earlier stage '(?P<ref>.+)'$"), N_("starts from the earlier stage '%(ref)s'")),
    (re.compile(r"^(?P<keyword>[A-Z]+) changes only the image config$"), N_("%(keyword)s changes only the image config")),
    (re.compile(r"^(?P<src>.+) is not in the build context: an empty placeholder file stands in for it$"),
     N_("%(src)s is not in the build context: an empty placeholder file stands in for it")),
    (re.compile(r"^(?P<src>.+) is not in '(?P<stage>.+)': an empty placeholder file stands in for it$"),
     N_("%(src)s is not in '%(stage)s': an empty placeholder file stands in for it")),
    (re.compile(r"^ADD (?P<src>.+): nothing is downloaded; a placeholder of (?P<size>\d+) bytes stands in for it$"),
     N_("ADD %(src)s: nothing is downloaded; a placeholder of %(size)s bytes stands in for it")),
    (re.compile(r"^ADD (?P<src>.+): a local archive would be extracted; its contents are not simulated$"),
     N_("ADD %(src)s: a local archive would be extracted; its contents are not simulated")),
    (re.compile(r"^(?P<ref>\S+) is not in layerlab's catalog: a placeholder base layer stands in for it \(distribution guessed: (?P<distro>.+)\)$"),
     N_("%(ref)s is not in layerlab's catalog: a placeholder base layer stands in for it (distribution guessed: %(distro)s)")),
    (re.compile(r"^(?P<ref>\S+) is not in layerlab's catalog: a placeholder base layer stands in for it$"),
     N_("%(ref)s is not in layerlab's catalog: a placeholder base layer stands in for it")),
    (re.compile(r"^(?P<ref>\S+): approximate data \((?P<why>.+)\)$"), N_("%(ref)s: approximate data (%(why)s)")),
]


def translate_note(note: str) -> str:
    for pattern, message in _NOTES:
        match = pattern.match(note)
        if match:
            return gettext(message, **match.groupdict())
    return note
