"""The command line's manners: usage errors exit 2 with the command's own usage and a
suggestion for what was mistyped; help shows defaults and examples for every option;
progress goes to stderr only on a terminal; an audit ends in a one-line summary;
`--strict` exits 1 on data errors; `python -m orgpower` is the same program."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from orgpower.cli import cli, main

PEOPLE = (
    "person_id,manager_id,Gender\n"
    "ceo,,female\nm1,ceo,male\nm2,ceo,female\ne1,m1,male\ne2,m1,female\ne3,m2,male\n"
    "e4,m2,female\ne5,m2,male\ne6,m1,female\ne7,m1,male\ne8,m2,female\n"
)


class _Terminal(io.StringIO):
    """stderr as a terminal would be (progress is drawn only there)."""

    def isatty(self) -> bool:
        return True


@pytest.fixture()
def org(tmp_path: Path) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    return folder


@pytest.fixture()
def fast(tmp_path: Path) -> str:
    config = tmp_path / "fast.json"
    config.write_text(json.dumps({"null_samples": 0}), encoding="utf-8")
    return str(config)


def _commands() -> list[click.Command]:
    return [cli.commands[name] for name in cli.list_commands(click.Context(cli))]


# ---- usage errors -----------------------------------------------------------------------


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "Commands:" in err and "validate" in err and "Traceback" not in err


def test_a_mistyped_command_gets_a_suggestion(capsys):
    assert main(["validat", "org"]) == 2
    assert "Did you mean validate?" in capsys.readouterr().err


def test_a_mistyped_option_gets_a_suggestion_and_the_commands_own_usage(org, capsys):
    assert main(["audit", str(org), "--fromat", "json"]) == 2
    err = capsys.readouterr().err
    assert "Usage: orgpower audit" in err and "--format" in err and "Did you mean" in err


def test_unknown_report_format_is_a_usage_error_naming_the_format(tmp_path, capsys):
    assert main(["audit", str(tmp_path), "--format", "json,docx"]) == 2
    err = capsys.readouterr().err
    assert "docx" in err and "Traceback" not in err


def test_a_mistyped_report_format_gets_a_suggestion(tmp_path, capsys):
    assert main(["audit", str(tmp_path), "--format", "json,pfd"]) == 2
    assert "Did you mean pdf?" in capsys.readouterr().err


def test_audit_without_inputs_or_snapshot_is_a_usage_error_with_the_audit_usage(capsys):
    assert main(["audit"]) == 2
    err = capsys.readouterr().err
    assert "--neo4j" in err and "Usage: orgpower audit" in err


def test_load_without_any_neo4j_uri_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert main(["load", str(tmp_path)]) == 2
    assert "NEO4J_URI" in capsys.readouterr().err


def test_python_dash_m_orgpower_prints_the_version():
    done = subprocess.run([sys.executable, "-m", "orgpower", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("orgpower ")


def test_python_dash_m_orgpower_exits_2_on_a_mistyped_command():
    done = subprocess.run([sys.executable, "-m", "orgpower", "audti"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Did you mean audit?" in done.stderr and "Traceback" not in done.stderr


# ---- help -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", _commands(), ids=lambda c: c.name)
def test_every_option_has_help_text(command):
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{command.name} {param.opts} has no help text"


@pytest.mark.parametrize("command", _commands(), ids=lambda c: c.name)
def test_every_command_help_has_examples(command, capsys):
    assert main([command.name, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Examples:" in text and f"orgpower {command.name}" in text.split("Examples:")[1]


@pytest.mark.parametrize(("command", "default"), [
    ("audit", "orgpower-audit"), ("audit", "json,html"), ("load", "default"), ("dashboard", "8501"),
    ("dashboard", "127.0.0.1"), ("generate", "mixed"), ("generate", "csv"),
])
def test_help_shows_the_defaults(command, default, capsys):
    assert main([command, "--help"]) == 0
    assert f"[default: {default}" in " ".join(capsys.readouterr().out.split())


def test_help_does_not_offer_yaml_mapping_files(capsys):
    for command in _commands():
        main([command.name, "--help"])
    assert "yaml" not in capsys.readouterr().out.lower()


# ---- audit: summary, strict, group attributes, progress ---------------------------------


def test_audit_ends_with_a_one_line_summary(org, fast, tmp_path, capsys):
    assert main(["audit", str(org), "--out", str(tmp_path / "out"), "--format", "json", "--config", fast]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    document = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    high = sum(1 for f in document["findings"] if f["severity"] == "high")
    assert last.startswith(f"Reading: {document['classification']['org']['label']}")
    assert f"{high} high finding" in last and "0 data errors" in last


def test_strict_exits_1_on_data_errors_and_still_writes_the_reports(org, fast, tmp_path, capsys):
    people = org / "people.csv"
    people.write_text(PEOPLE + "e9,ghost,male\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(org), "--out", str(out), "--format", "json", "--config", fast]) == 0
    assert "1 data error," in capsys.readouterr().out
    assert main(["audit", str(org), "--out", str(out), "--format", "json", "--config", fast, "--strict"]) == 1
    assert "--strict" in capsys.readouterr().err
    assert (out / "audit.json").is_file()


def test_group_attribute_in_another_case_is_matched_with_a_warning(org, fast, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["audit", str(org), "--out", str(out), "--format", "json", "--config", fast,
                 "--group-attribute", "gender"]) == 0
    assert "warning: Group attribute 'gender' matched the column 'Gender'" in capsys.readouterr().err
    groups = json.loads((out / "audit.json").read_text(encoding="utf-8"))["groups"]
    assert [g["attribute"] for g in groups] == ["Gender"] and not groups[0]["missing"]


def test_a_misspelt_group_attribute_is_a_usage_error_suggesting_the_column(org, fast, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["audit", str(org), "--out", str(out), "--config", fast, "--group-attribute", "gendr"]) == 2
    err = capsys.readouterr().err
    assert "Did you mean 'Gender'?" in err and "Usage: orgpower audit" in err
    assert not out.exists()


def test_progress_is_silent_when_stderr_is_not_a_terminal(org, fast, tmp_path, capsys):
    assert main(["audit", str(org), "--out", str(tmp_path / "out"), "--format", "json", "--config", fast]) == 0
    assert capsys.readouterr().err == ""


def test_progress_on_a_terminal_tells_each_stage_with_counts_and_a_bar(org, fast, tmp_path, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["audit", str(org), "--out", str(tmp_path / "out"), "--format", "json", "--config", fast]) == 0
    shown = terminal.getvalue()
    assert "Reading" in shown and "11 people, 0 errors" in shown
    assert "Building graph" in shown and "Measuring" in shown and "Writing" in shown
    assert "] 0/" in shown and "[#" in shown  # a bar: the number of layers is known


def test_quiet_silences_progress_even_on_a_terminal(org, fast, tmp_path, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["audit", str(org), "--out", str(tmp_path / "out"), "--format", "json", "--config", fast, "-q"]) == 0
    assert terminal.getvalue() == ""


def test_compare_takes_several_paths_as_documented():
    command = cli.commands["audit"]
    ctx = command.make_context("audit", ["new", "--compare", "old/people.csv", "old/flows.csv", "--out", "x"])
    assert ctx.params["inputs"] == ("new",)
    assert ctx.params["compare"] == ("old/people.csv", "old/flows.csv")


# ---- optional parts ---------------------------------------------------------------------


def _without(monkeypatch, *modules: str) -> None:
    """As if ``modules`` were not installed (only the installed-or-not check is faked)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a, **k: None if name in modules else real(name, *a, **k))


def test_a_report_format_whose_extra_is_missing_names_the_extra_and_writes_nothing(org, fast, tmp_path, capsys, monkeypatch):
    _without(monkeypatch, "jinja2")
    out = tmp_path / "out"
    assert main(["audit", str(org), "--out", str(out), "--config", fast, "--format", "json,html"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'orgpower[report]'" in err and "Traceback" not in err
    assert not out.exists()


def test_the_dashboard_without_its_extra_names_the_extra(monkeypatch, capsys):
    _without(monkeypatch, "streamlit")
    assert main(["dashboard", "--port", "8765"]) == 1
    assert "pip install 'orgpower[dashboard]'" in capsys.readouterr().err


def test_graphml_without_networkx_names_the_extra(org, fast, tmp_path, capsys, monkeypatch):
    _without(monkeypatch, "networkx")
    assert main(["export", str(org), "--format", "graphml", "--out", str(tmp_path / "g"), "--config", fast, "-q"]) == 1
    assert "pip install 'orgpower[graph]'" in capsys.readouterr().err


# ---- the command's process ----------------------------------------------------------------

# What the numpy a command imports says about its BLAS: OpenBLAS's own thread count, read
# through the library numpy loaded (numpy's PyPI wheels carry scipy-openblas).
_BLAS_THREADS_PROBE = """
import ctypes, os, sys
from orgpower import cli

def probe(args):
    import numpy
    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line})
    get = getattr(ctypes.CDLL(paths[0]), "scipy_openblas_get_num_threads64_", None) if paths else None
    print(get() if get else "unknown", os.environ.get("OPENBLAS_NUM_THREADS"))
    return 0

cli._main = probe
code = cli.main([])
print(os.environ.get("OPENBLAS_NUM_THREADS"))
sys.exit(code)
"""


def _blas_probe(**environment: str) -> list[str]:
    import os

    env = {name: value for name, value in os.environ.items() if name not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", _BLAS_THREADS_PROBE], capture_output=True, text=True,
                          env=env | environment, check=True)
    return done.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the loaded libraries from /proc")
def test_a_command_runs_its_blas_on_one_thread_and_restores_the_environment():
    # the command's own processes fill the cores; BLAS threads beside them only wait
    threads, during, after = _blas_probe()
    if threads == "unknown":
        pytest.skip("numpy here does not use scipy-openblas")
    assert (threads, during, after) == ("1", "1", "None")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the loaded libraries from /proc")
def test_a_users_own_blas_thread_count_is_kept():
    threads, during, after = _blas_probe(OPENBLAS_NUM_THREADS="2")
    if threads == "unknown":
        pytest.skip("numpy here does not use scipy-openblas")
    assert (threads, during, after) == ("2", "2", "2")
