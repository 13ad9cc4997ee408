"""Find a file, docker history and docker diff in the inspector, through the Flask test client."""

from __future__ import annotations

import html
import json
import re

from app.cli import main

APACHE2 = "/lessons/layered-image/4/layers/editor-web/2"
HX = {"HX-Request": "true"}


def text_of(got) -> str:
    assert got.status_code == 200
    return got.get_data(as_text=True)


def found_section(page: str) -> str:
    return page.split('<section class="found"', 1)[1].split("</section>", 1)[0]


def test_the_search_is_a_get_form_whose_answer_has_its_own_url(client):
    page = text_of(client.get(APACHE2 + "?lang=en&view=changes"))
    form = re.search(r'<form class="find"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    assert form and 'aria-label="Find a file"' in page and '<label for="find-box">Find a file</label>' in form.group(2)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    assert fields == {"lang": "en", "view": "changes", "sort": "name"}
    # what the browser asks when the form is sent without JavaScript: the whole page, with the answer
    answer = text_of(client.get(html.unescape(form.group(1)) + "?lang=en&view=changes&sort=name&find=sbin/apache2"))
    assert "<html" in answer and 'value="sbin/apache2"' in answer
    hits = found_section(answer)
    assert re.search(r'mark-A"><b>A</b> added</span><span class="name">/usr/sbin/apache2</span>.*?734 kB', hits, re.S)
    # htmx asks the same URL and swaps in the panel alone
    panel = text_of(client.get(APACHE2 + "?find=sbin/apache2", headers=HX))
    assert panel.lstrip().startswith("<section") and "/usr/sbin/apache2</span>" in panel


def test_which_layer_serves_dpkg_status_in_the_merged_view(client):
    page = text_of(client.get(APACHE2 + "?view=merged&find=/var/lib/dpkg/status", headers=HX))
    chain = page.split('<ol class="chain"', 1)[1].split("</ol>", 1)[0]
    roles = re.findall(r'<li class="role-([a-z]+)"><a href="[^"]*/layers/editor-web/([0-9])\?', chain)
    assert roles == [("serves", "2"), ("shadowed", "1"), ("shadowed", "0")]
    assert "shadowed by #2" in chain
    # each match names the layer it comes from, a link to that layer's changes
    assert re.search(r'/var/lib/dpkg/status</span>.*?from <a href="[^"]*/editor-web/2\?[^"]*view=changes', page, re.S)


def test_a_glob_and_the_search_kept_across_layers_and_views(client):
    page = text_of(client.get(APACHE2 + "?view=merged&find=*.list", headers=HX))
    assert re.search(r"[0-9]+ matches · <code>\*\.list</code>", page)
    tab = re.search(r'<a href="([^"]+)"[^>]*class="tab" >Changes in this layer', page).group(1)
    assert "find=*.list" in html.unescape(tab)
    assert text_of(client.get(APACHE2 + "?find=" + "x" * 5000)).count("<html") == 1     # cut, never a 500


def test_zh_names_the_search_box_in_chinese(client):
    page = text_of(client.get(APACHE2 + "?lang=zh&find=apache2"))
    assert '<label for="find-box">查找文件</label>' in page


def test_docker_history_and_docker_diff_of_a_container(client):
    page = text_of(client.get("/lessons/container-layer/9/containers/c1", headers=HX))
    history = page.split('<section class="history"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<td>(?:<a [^>]*>)?(#[0-9])(?:</a>)?</td>\s*<td><code>([^<]*)</code></td><td>([^<]*)</td>", history)
    assert [r[0] for r in rows] == ["#3", "#2", "#1", "#0"]                  # newest first, CMD too
    assert rows[0][2] == "0 B" and html.unescape(rows[0][1]) == 'CMD ["/bin/bash"]'
    assert rows[3][1] == "FROM debian:bookworm"
    diff = page.split("docker diff c1</code></h3>", 1)[1].split("</pre>", 1)[0]
    assert "C /etc/motd\n" in diff and "D /srv/www/index.html\n" in diff and "A /tmp/notes.txt\n" in diff


def test_build_json_has_dives_figures(tmp_path, capsys):
    (tmp_path / "small").write_bytes(b"x" * 10)
    (tmp_path / "big").write_bytes(b"y" * 20)
    (tmp_path / "keep").write_bytes(b"z" * 5)
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY small /a\nCOPY keep /k\nCOPY big /a\n")
    assert main(["build", "--json", str(tmp_path / "Dockerfile")]) == 0
    data = json.loads(capsys.readouterr().out)
    # by hand, as dive counts: /a is in two layers, 10 + 20 = 30 wasted; /k once, 5.
    # score = smallest per path / total per path = (10 + 5) / (30 + 5)
    assert data["wasted_bytes"] == 30
    assert abs(data["efficiency"] - 15 / 35) < 1e-9
    assert data["inefficiencies"] == [{"path": "/a", "wasted_bytes": 30, "layers": [0, 2]}]
