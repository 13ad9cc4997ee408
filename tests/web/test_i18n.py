"""Every UI string has its Simplified Chinese translation, compiled and in use."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "web" / "translations" / "zh" / "LC_MESSAGES"


def test_every_ui_string_is_translated_and_compiled():
    with open(TRANSLATIONS / "messages.po", "rb") as f:
        po = read_po(f)
    with open(TRANSLATIONS / "messages.mo", "rb") as f:
        mo = read_mo(f)
    for message in po:
        if not message.id:
            continue
        assert message.string and all(message.string if isinstance(message.string, tuple) else [message.string]), message.id
        compiled = mo.get(message.id)
        assert compiled is not None and tuple(compiled.string) == tuple(message.string) if isinstance(message.string, tuple) else compiled.string == message.string, f"recompile: {message.id}"


def test_the_chinese_step_page_speaks_chinese(client):
    html = client.get("/lessons/container-layer/8?lang=zh").get_data(as_text=True)
    for english in (">Next", "Previous", "Step 8 of", "Export this step"):
        assert english not in html
    for chinese in ("下一步", "上一步", "第 8 步", "导出这一步", "修改文件"):
        assert chinese in html
