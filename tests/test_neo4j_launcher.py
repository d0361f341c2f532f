"""scripts/neo4j_server.py: the pieces that need no server (the server itself is exercised
by every Neo4j test, which runs against the instance `make test` starts with it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import neo4j_server  # noqa: E402


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(neo4j_server, "CACHE", tmp_path)
    return tmp_path


def test_the_server_listens_on_loopback_only_with_http_off_and_auth_on(tmp_path):
    neo4j_server._write_conf(tmp_path, 17001)
    conf = dict(
        line.split("=", 1) for line in (tmp_path / "conf" / "neo4j.conf").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == "127.0.0.1:17001"
    assert conf["server.http.enabled"] == "false"
    assert conf["server.https.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"
    assert conf["dbms.usage_report.enabled"] == "false"


def test_export_lines_survive_eval_in_a_shell_unchanged():
    env = {"NEO4J_URI": "bolt://127.0.0.1:7687", "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "a'b\"c $d `e` -f"}
    script = f'eval "$(cat <<\'EOF\'\n{neo4j_server._exports(env)}\nEOF\n)"; printf %s "$NEO4J_PASSWORD"'
    assert subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout == env["NEO4J_PASSWORD"]


def test_stopping_an_instance_that_is_not_running_is_harmless(cache):
    assert neo4j_server.stop_instance("dev") is False


def test_stopping_a_private_instance_removes_its_folder(cache):
    home = cache / "instances" / "run-1-abc"
    (home / "run").mkdir(parents=True)
    (home / "run" / "server.json").write_text('{"private": true, "pid": 0}')
    neo4j_server.stop_instance("run-1-abc")
    assert not home.exists()


def test_abandoned_private_instances_are_swept_but_dev_is_kept(cache):
    dead = cache / "instances" / "run-2-def"
    (dead / "run").mkdir(parents=True)
    # a PID that cannot be alive: above the kernel's maximum
    (dead / "run" / "server.json").write_text('{"private": true, "pid": 99999999}')
    (cache / "instances" / "dev" / "run").mkdir(parents=True)
    neo4j_server._sweep_abandoned()
    assert not dead.exists()
    assert (cache / "instances" / "dev").exists()


def test_a_missing_java_is_reported_in_one_sentence(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(neo4j_server.shutil, "which", lambda name: None)
    with pytest.raises(neo4j_server.LauncherError, match="Java 17"):
        neo4j_server.java_command()


def test_generated_passwords_never_look_like_an_option_and_differ():
    # token_urlsafe starts with "-" about once in 64 draws; neo4j-admin then took it for an option
    passwords = [neo4j_server.generate_password() for _ in range(2000)]
    assert not any(p.startswith("-") for p in passwords)
    assert len(set(passwords)) == len(passwords)
    assert min(len(p) for p in passwords) >= 20
