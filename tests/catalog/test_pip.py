"""pip in the simulator installs the files of the real wheels (data made by
tools/build_pypi_catalog.py), where pip puts them, and fails as pip fails."""

from __future__ import annotations

import pytest

from app.build import ContextFile
from app.catalog.pip import catalog
from app.runtime import Runtime

PYTHON = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
          "python3 python3-pip python3-venv && rm -rf /var/lib/apt/lists/*\n")
FLASK = ["flask", "blinker", "click", "itsdangerous", "jinja2", "markupsafe", "werkzeug"]


# One build for the module (the apt install of python3 is the slow part); each test reads its step.
STEPS = {
    "pep668": "RUN pip install flask || echo \"pip exited $?\"",
    "copy": "COPY requirements.txt .",
    "requirements": "RUN pip install --break-system-packages --no-cache-dir -r requirements.txt",
    "venv": "RUN python3 -m venv /venv && /venv/bin/pip install gunicorn",
    "dash_m": "RUN python3 -m pip install --break-system-packages requests==2.34.2",
    "placeholder": "RUN pip install --break-system-packages flask==0.1 no-such-package-here",
    "no_file": "RUN pip install --break-system-packages -r nope.txt || echo \"pip exited $?\"",
}


@pytest.fixture(scope="module")
def built() -> dict:
    result = Runtime().build(PYTHON + "".join(line + "\n" for line in STEPS.values()),
                             {"requirements.txt": ContextFile(b"flask\n")}, tag="t")
    assert result.failed is None, result.failed and result.failed.error
    return dict(zip(STEPS, result.steps[2:]))


def layer_files(step) -> dict[str, int]:
    layer = step.image.layers[-1]
    return {path: node.inode.size for path, node in layer.items() if node.type == "file"}


def test_system_pip_on_debian_refuses_as_pep_668_says(built):
    error = built["pep668"].stdout
    assert "pip exited 1" in error and "Successfully installed" not in error
    assert "error: externally-managed-environment\n" in error
    assert "python3-xyz, where xyz is the package you are trying to" in error  # Debian's own words
    assert "See /usr/share/doc/python3.11/README.venv for more information." in error
    assert "--break-system-packages" in error


def test_requirements_file_installs_flask_with_the_sizes_of_its_real_wheels(built):
    step = built["requirements"]
    assert step.error is None and step.uncertain == []
    files = layer_files(step)
    site = "/usr/local/lib/python3.11/dist-packages"
    packages = catalog()["packages"]
    for name in FLASK:
        for rel, size in packages[name]["files"]:
            assert files[f"{site}/{rel}"] == size
    assert "/usr/local/bin/flask" in files
    assert not any(p.startswith("/root/.cache/pip") for p in files)  # --no-cache-dir
    # pip install flask --target DIR, measured for real by the tool: 4,987,097 bytes in 319 files
    # when the data was made; the simulated layer must be within 10% of it.
    measured = catalog()["measured_target"]["flask"]["bytes"]
    assert abs(sum(files.values()) - measured) <= measured // 10, (sum(files.values()), measured)


def test_venv_then_its_pip_installs_into_the_venv(built):
    step = built["venv"]
    assert step.error is None
    files = layer_files(step)
    site = "/venv/lib/python3.11/site-packages"
    assert f"{site}/pip/__init__.py" in files and f"{site}/setuptools/__init__.py" in files
    assert f"{site}/gunicorn/__init__.py" in files
    assert "/venv/pyvenv.cfg" in files and "/venv/bin/pip" in files and "/venv/bin/gunicorn" in files
    assert any(p.startswith("/root/.cache/pip/http/") for p in files)  # the wheel, cached
    layer = step.image.layers[-1]
    assert layer.get("/venv/bin/gunicorn").inode.data.startswith(b"#!/venv/bin/python3\n")


def test_python3_dash_m_pip_and_pins(built):
    step = built["dash_m"]
    assert step.uncertain == [] and "Successfully installed" in step.stdout
    assert "/usr/local/lib/python3.11/dist-packages/requests/__init__.py" in layer_files(step)


def test_a_package_or_version_the_data_lacks_is_a_flagged_placeholder(built):
    step = built["placeholder"]
    assert step.error is None
    assert [n.command for n in step.not_simulated] == ["pip install flask", "pip install no-such-package-here"]
    assert "the catalog has Flask 3.1.3" in step.not_simulated[0].hint


def test_a_missing_requirements_file_fails_as_pip_does(built):
    out = built["no_file"].stdout
    assert "ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'nope.txt'" in out
    assert "pip exited 1" in out
