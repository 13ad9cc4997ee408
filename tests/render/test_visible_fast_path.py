"""Labels: the printable fast path of ``visible`` must escape exactly as its per-character loop."""

from __future__ import annotations

import random


def test_visible_text_is_the_per_character_escaping_for_printable_and_odd_strings():
    """``visible`` skips its per-character loop when ``str.isprintable`` says nothing needs escaping."""
    from app.render import labels

    rng = random.Random(7)
    alphabet = "aZ 9/·镜像\u200b\u00ad\x7f\x01\n\t\udcff\ud800\ue000\U000e0001\u2028"
    for _ in range(200):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        slow = "".join(labels.visible(ch + "\x01")[:-4] for ch in value)   # one char at a time, never printable
        assert labels.visible(value) == slow, repr(value)
