"""The command line's own contract (interfaces.md §2): usage errors exit 2 with one
sentence and no traceback; `python -m orgpower` is the same program."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orgpower.cli import main


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unknown_report_format_is_a_usage_error_naming_the_format(tmp_path, capsys):
    assert main(["audit", str(tmp_path), "--format", "json,docx"]) == 2
    err = capsys.readouterr().err
    assert "docx" in err and "Traceback" not in err


def test_audit_without_inputs_or_snapshot_is_a_usage_error(capsys):
    assert main(["audit"]) == 2
    assert "--neo4j" in capsys.readouterr().err


def test_load_without_any_neo4j_uri_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert main(["load", str(tmp_path)]) == 2
    assert "NEO4J_URI" in capsys.readouterr().err


def test_python_dash_m_orgpower_prints_the_version():
    done = subprocess.run([sys.executable, "-m", "orgpower", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("orgpower ")
