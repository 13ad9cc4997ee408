"""A broken lesson file never gives a 500: the list and its page say what is wrong, with lines."""

from __future__ import annotations

import shutil

from app import create_app
from app.lessons import LESSONS_DIR


def make_client(tmp_path):
    shutil.copy(LESSONS_DIR / "01-hello-world.yaml", tmp_path / "01-hello-world.yaml")
    (tmp_path / "02-broken.yaml").write_text("id: broken\ntitle: {en: Broken}\nsummary: [\n")
    (tmp_path / "03-bad-dockerfile.yaml").write_text(
        "id: bad-dockerfile\ntitle: {en: Bad, zh: 坏}\nsummary: {en: x, zh: y}\n"
        "images:\n  - name: app\n    dockerfile: |\n      FROM scratch\n      COPPY a /\n"
        "steps:\n  - build: app\n"
    )
    return create_app({"TESTING": True, "LAYERLAB_LESSONS": str(tmp_path)}).test_client()


def test_the_lesson_list_shows_broken_files_with_their_errors(tmp_path):
    client = make_client(tmp_path)
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/lessons/hello-world/1" in html
    assert "02-broken.yaml" in html and "YAML" in html
    assert "has errors" in html  # the lesson whose Dockerfile is wrong


def test_a_lesson_with_a_bad_dockerfile_shows_its_problem_not_a_500(tmp_path):
    client = make_client(tmp_path)
    response = client.get("/lessons/bad-dockerfile/1")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "03-bad-dockerfile.yaml:8" in html and "COPPY" in html
    assert "Traceback" not in html
    assert client.get("/lessons/bad-dockerfile/1.svg").status_code == 422


def test_a_copied_lesson_that_keeps_the_id_is_listed_as_an_error(tmp_path):
    """Copying a lesson to start a new one is common; the copy must not hide behind the same URL."""
    client = make_client(tmp_path)
    shutil.copy(LESSONS_DIR / "01-hello-world.yaml", tmp_path / "09-my-copy.yaml")
    html = client.get("/").get_data(as_text=True)
    assert "09-my-copy.yaml" in html
    assert "id: &#39;hello-world&#39; is already the id of" in html
    assert client.get("/lessons/hello-world/1").status_code == 200
