"""The package as a user installs it: what the wheel holds, what plain `pip install planbook`
pulls in, and what a command says when an extra it needs is missing."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

import planbook
from planbook.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_linter_alone_needs_no_site_or_schema_packages():
    names = {dep.split(">")[0].split("<")[0].split("=")[0].strip().lower()
             for dep in PYPROJECT["project"]["dependencies"]}
    assert names == {"click", "mistune", "pyyaml", "pathspec"}
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {d.split(">")[0] for d in extras["site"]} == {"mkdocs", "mkdocs-material", "nh3"}
    assert [d.split(">")[0] for d in extras["schema"]] == ["pydantic"]
    assert "planbook[site,schema,lsp,mcp]" in extras["dev"]  # CI runs every command


def test_version_is_the_package_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"planbook, version {planbook.__version__}\n"


def test_shipped_data_files_are_in_the_package():
    package = resources.files("planbook")
    doctypes = {p.name for p in (package / "doctypes").iterdir() if p.name.endswith(".toml")}
    templates = {p.name for p in (package / "templates").iterdir()}
    assert "ip.toml" in doctypes and "ip.md" in templates
    assert {d.replace(".toml", ".md") for d in doctypes} <= templates
    assets = {p.name for p in (package / "site" / "assets").iterdir()}
    assert {"planbook.css", "planbook.js", "iframe-worker-shim.js"} <= assets


def test_the_wheel_holds_code_data_licence_and_metadata(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("planbook-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"planbook-{planbook.__version__}.dist-info"
        meta = Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    shipped = {str(p.relative_to(ROOT / "src")) for p in (ROOT / "src/planbook").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names
    assert f"{info}/licenses/LICENSE" in names
    assert meta["Version"] == planbook.__version__
    assert meta["License-Expression"] == "MIT"
    required = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert not any(name in r for r in required for name in ("mkdocs", "pydantic", "nh3"))
    assert {"site", "schema", "dev"} <= set(meta.get_all("Provides-Extra"))
    assert "planbook = planbook.cli:main" in entry_points
    assert "planbook = planbook.site.plugin:PlanbookPlugin" in entry_points


@pytest.mark.parametrize(("args", "module", "extra"), [
    (["schema"], "pydantic", "schema"),
    (["site", "export", "out"], "nh3", "site"),
])
def test_a_command_missing_its_extra_says_what_to_install(tmp_path, monkeypatch, args,
                                                         module, extra):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert f"needs planbook's '{extra}' extra" in result.output
    assert f"planbook[{extra}]" in result.output and f"pip install {module}" in result.output
    assert not (tmp_path / "out").exists()


def test_the_mkdocs_plugin_missing_its_extra_says_what_to_install(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Plans\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - planbook\n",
                                         encoding="utf-8")
    hide_nh3 = ("import sys; sys.modules['nh3'] = None; "
                "from mkdocs.__main__ import cli; cli(['build'])")
    done = subprocess.run([sys.executable, "-c", hide_nh3], cwd=tmp_path, capture_output=True,
                          text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert "the planbook MkDocs plugin needs planbook's 'site' extra" in done.stderr
    assert "pip install nh3" in done.stderr and "Traceback" not in done.stderr
