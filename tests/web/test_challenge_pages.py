"""A challenge opens in the playground, keeps itself through Build, and shows its goal checked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse


def test_a_challenge_opens_in_the_playground_with_its_goal_checked(client):
    opened = client.get("/challenges/keep-a-secret")
    assert opened.status_code == 302
    url = urlparse(opened.headers["Location"])
    assert url.path == "/play" and parse_qs(url.query)["challenge"] == ["keep-a-secret"]
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert 'data-challenge="keep-a-secret" data-solved="false"' in page
    assert "layer 1 holds /src/token.txt" in page  # measured on the built image
    assert "challenge=keep-a-secret" in page.split('id="build-form"')[1].split(">")[0]  # Build keeps it open


def test_the_solution_reaches_the_goal_and_hints_come_one_at_a_time(client):
    solved = client.get("/challenges/keep-a-secret/solution", follow_redirects=True).get_data(as_text=True)
    assert 'data-solved="true"' in solved and "Goal reached!" in solved
    where = client.get("/challenges/keep-a-secret").headers["Location"]
    assert client.get(where + "&hint=1").get_data(as_text=True).count('class="hint-text"') == 1
    for odd in ("999", "abc", "-1", "1" * 50):
        assert client.get(where + "&hint=" + odd).status_code == 200
    assert client.get("/challenges/no-such-one").status_code == 404
    assert client.get("/challenges/..%2f..").status_code == 404


def test_the_lesson_list_offers_the_challenges_in_both_languages(client):
    page = client.get("/?lang=zh").get_data(as_text=True)
    assert page.count("data-progress-challenge=") == 3 and "给清理镜像瘦身" in page and "挑战" in page
