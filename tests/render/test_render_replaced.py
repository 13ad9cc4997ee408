"""A file deleted and made again within one step is replaced, not hidden by a whiteout."""

from app.engine import File, Inode, Layer, UnionFS
from app.render.story import tell


def test_a_file_deleted_then_recreated_in_one_step_is_not_drawn_as_hidden_by_a_whiteout():
    base = Layer()
    base.put("/etc", __import__("app.engine", fromlist=["Dir"]).Dir())
    base.put("/etc/ld.so.cache", File(Inode(b"old")))
    base.freeze()
    upper = Layer()
    fs = UnionFS([base], upper)
    traces = [fs.unlink("/etc/ld.so.cache"), fs.write("/etc/ld.so.cache", b"new")]
    assert traces[0].whiteouts == ["/etc/ld.so.cache"]
    story = tell(traces, [base, upper], 1)
    assert not any(h.kind == "hidden_wh" for h in story.highlights.get(0, []))


def test_a_file_deleted_in_the_step_is_drawn_as_hidden_by_its_whiteout():
    from app.engine import Dir

    base = Layer()
    base.put("/etc", Dir())
    base.put("/etc/motd", File(Inode(b"hello")))
    base.freeze()
    upper = Layer()
    fs = UnionFS([base], upper)
    story = tell([fs.unlink("/etc/motd")], [base, upper], 1)
    assert [h.path for h in story.highlights[0] if h.kind == "hidden_wh"] == ["/etc/motd"]
