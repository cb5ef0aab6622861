"""Binder builds this repository with Python 3.11 (numpy 2.4.6 has no wheel for 3.10).

Offline, without Docker: repo2docker's own build-pack detection (the loop of
``Repo2Docker.build``: the first build pack whose ``detect()`` is true, run inside the checkout)
and the Dockerfile it renders. The parametrized cases on a temporary copy show that the test
can fail: a runtime.txt that says 3.10, or none at all, does not give 3.11.
"""
import shutil

import pytest

from optional import require_module

# repo2docker 2026.4.0 imports python-json-logger's old module name (its warning, not ours)
pytestmark = pytest.mark.filterwarnings("ignore:pythonjsonlogger.jsonlogger:DeprecationWarning")

# what repo2docker reads at the top of a checkout (or in binder/ / .binder/, which replace it)
TOP_FILES = ("runtime.txt", "requirements.txt", "pyproject.toml", "setup.py", "environment.yml",
             "Pipfile", "Pipfile.lock", "Dockerfile", "Project.toml", "REQUIRE", "default.nix",
             "install.R", "apt.txt", "postBuild", "start")


def binder_build(path):
    """(build pack class name, Python version, build script files, rendered Dockerfile) for the
    checkout at path."""
    require_module("repo2docker", "pip install -r requirements-dev.txt")
    from repo2docker.app import Repo2Docker
    from repo2docker.utils import chdir

    r2d = Repo2Docker()
    with chdir(str(path)):
        pack = next((bp for bp in (BP(base_image=r2d.base_image) for BP in r2d.buildpacks)
                     if bp.detect()), None) or r2d.default_buildpack(base_image=r2d.base_image)
        pack.platform = "linux/amd64"
        files = pack.get_build_script_files()  # {file in repo2docker: where the image gets it}
        return type(pack).__name__, pack.python_version, files, pack.render({})


def copy_checkout(repo, dest):
    for name in TOP_FILES:
        if (repo / name).is_file():
            shutil.copy2(repo / name, dest / name)
    for name in ("binder", ".binder"):
        if (repo / name).is_dir():
            shutil.copytree(repo / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def repo(request):
    return request.config.rootpath


def test_binder_builds_this_repository_with_python_311(repo):
    assert (repo / "runtime.txt").read_text().strip() == "python-3.11"
    pack, version, files, dockerfile = binder_build(repo)
    assert pack == "PythonBuildPack"
    assert version == "3.11"
    # the image's base environment is repo2docker's 3.11 lock file, and the kernel gets ours
    assert any(f.endswith("environment.py-3.11-linux-64.lock") for f in files), files
    assert 'pip install --no-cache-dir -r "requirements.txt"' in dockerfile


@pytest.mark.parametrize("runtime", ["python-3.10", None])
def test_another_runtime_does_not_give_311(runtime, repo, tmp_path):
    """What the test above would see if runtime.txt said 3.10 or were missing."""
    copy = copy_checkout(repo, tmp_path)
    (copy / "runtime.txt").unlink()
    if runtime:
        (copy / "runtime.txt").write_text(runtime + "\n")
    try:
        version = binder_build(copy)[1]
    except RuntimeError as e:  # runtime.txt outside pyproject's requires-python: repo2docker stops
        assert "runtime.txt version not supported" in str(e)
    else:
        # 3.10 as asked, or with no runtime.txt repo2docker's default (3.10) or the newest
        # version that requires-python allows (3.14 for ">=3.11"): never the 3.11 we test with
        assert version != "3.11"


def test_311_also_with_requires_python_311(repo, tmp_path):
    """pyproject's requires-python is going to say ">=3.11": runtime.txt still decides 3.11."""
    copy = copy_checkout(repo, tmp_path)
    pyproject = (copy / "pyproject.toml").read_text()
    (copy / "pyproject.toml").write_text(
        "\n".join('requires-python = ">=3.11"' if line.startswith("requires-python") else line
                  for line in pyproject.splitlines()) + "\n")
    assert binder_build(copy)[1] == "3.11"
