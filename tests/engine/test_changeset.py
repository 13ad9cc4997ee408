"""The JSON of ``layerlab build --json``: one object per history entry, the
changeset of each layer, and the merged view of the finished image."""

import json

from app.engine import File, HistoryEntry, Image, Inode, UnionFS
from app.engine.changeset import image_json
from app.engine.tarball import diff_id

from engine_helpers import make_layer


def demo_image():
    base = make_layer({"/etc": "dir", "/etc/motd": b"hi\n", "/etc/ssl": "dir", "/etc/ssl/a": b"a",
                       "/bin": "dir", "/bin/sh": b"sh"})
    fs = UnionFS([base])
    fs.remove_tree("/etc/ssl")
    fs.mkdir("/etc/ssl")
    fs.unlink("/etc/motd")
    fs.symlink("/bin/sh", "/bin/bash")
    fs.link("/bin/sh", "/bin/dash")
    run = fs.upper.freeze()
    history = (HistoryEntry("FROM scratch + base"), HistoryEntry('ENV A=1', empty_layer=True),
               HistoryEntry("RUN ..."))
    return Image("demo", (base, run), history), base, run


def test_there_is_one_layer_object_per_history_entry_and_empty_steps_have_no_diff_id():
    image, base, run = demo_image()
    layers = image_json(image)["layers"]
    assert [(l["created_by"], l["empty_layer"], l["diff_id"]) for l in layers] == [
        ("FROM scratch + base", False, diff_id(base)),
        ("ENV A=1", True, None),
        ("RUN ...", False, diff_id(run)),
    ]
    assert layers[1]["entries"] == [] and layers[1]["size"] == 0


def test_entries_are_the_changeset_sorted_with_types_modes_and_targets():
    image, _, run = demo_image()
    entries = image_json(image)["layers"][2]["entries"]
    assert entries == [
        {"path": "/bin", "type": "dir", "mode": "0755", "size": 0, "opaque": False},
        {"path": "/bin/bash", "type": "symlink", "mode": "0777", "size": 7, "target": "/bin/sh"},
        # hard links: the first name in tar order holds the bytes
        {"path": "/bin/dash", "type": "file", "mode": "0644", "size": 2,
         "sha256": File(Inode(b"sh")).inode.sha256},
        {"path": "/bin/sh", "type": "hardlink", "mode": "0644", "size": 0, "target": "/bin/dash"},
        {"path": "/etc", "type": "dir", "mode": "0755", "size": 0, "opaque": False},
        {"path": "/etc/motd", "type": "whiteout", "mode": "0000", "size": 0},
        {"path": "/etc/ssl", "type": "dir", "mode": "0755", "size": 0, "opaque": True},
    ]


def test_merged_is_the_finished_image_with_the_layer_of_each_path():
    image, _, _ = demo_image()
    merged = {m["path"]: m for m in image_json(image)["merged"]}
    assert sorted(merged) == ["/bin", "/bin/bash", "/bin/dash", "/bin/sh", "/etc", "/etc/ssl"]
    assert merged["/bin/sh"]["layer"] == 1 and merged["/bin/sh"]["type"] == "file"
    assert merged["/bin/bash"]["target"] == "/bin/sh"
    assert merged["/etc/ssl"]["layer"] == 1


def test_the_whole_thing_is_plain_json():
    image, _, _ = demo_image()
    text = json.dumps(image_json(image), sort_keys=True)
    assert json.loads(text) == image_json(image)
