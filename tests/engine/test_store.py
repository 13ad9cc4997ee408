"""The layer store: shared layers are stored once, sizes as docker reports them."""

from app.engine import HistoryEntry, Image
from app.engine.store import ContainerUsage, ImageUsage, Store

from engine_helpers import make_layer


def base_layer():
    return make_layer({"/bin": "dir", "/bin/sh": b"x" * 1000})


def image(name, *layers):
    return Image(name, tuple(layers), tuple(HistoryEntry(f"step {i}") for i in range(len(layers))))


def test_two_images_on_one_base_share_one_stored_base_layer():
    store = Store()
    a = store.add_image(image("a", base_layer(), make_layer({"/a": b"a" * 10})))
    b = store.add_image(image("b", base_layer(), make_layer({"/b": b"b" * 20})))
    assert a.layers[0] is b.layers[0]
    assert len(store.layers) == 3


def test_system_df_splits_each_image_into_shared_and_unique_size():
    store = Store()
    store.add_image(image("a", base_layer(), make_layer({"/a": b"a" * 10})))
    store.add_image(image("b", base_layer(), make_layer({"/b": b"b" * 20})))
    assert store.system_df() == [
        ImageUsage("a", size=1010, shared_size=1000, unique_size=10, containers=0),
        ImageUsage("b", size=1020, shared_size=1000, unique_size=20, containers=0),
    ]
    assert store.disk_usage().images_size == 1030
    assert store.disk_usage().naive_virtual_total == 2030


def test_the_same_changes_on_another_parent_are_another_layer():
    store = Store()
    top = make_layer({"/app": b"app"})
    store.add_image(image("a", base_layer(), top))
    store.add_image(image("b", make_layer({"/other": b"o"}), make_layer({"/app": b"app"})))
    assert store.image_usage("b").shared_size == 0


def test_removing_an_image_keeps_the_layers_another_image_uses():
    store = Store()
    store.add_image(image("a", base_layer(), make_layer({"/a": b"a"})))
    store.add_image(image("b", base_layer()))
    store.remove_image("a")
    assert len(store.layers) == 1
    assert store.image_usage("b") == ImageUsage("b", 1000, 0, 1000, 0)


def test_ps_size_counts_the_writable_layer_and_virtual_adds_the_image():
    store = Store()
    store.add_image(image("a", base_layer()))
    one = store.create_container("one", "a")
    store.create_container("two", "a")
    one.fs.write("/out.txt", b"hello")
    assert store.ps_sizes() == [ContainerUsage("one", "a", 5, 1005), ContainerUsage("two", "a", 0, 1000)]
    assert store.image_usage("a").containers == 2
    assert store.disk_usage().containers_size == 5
