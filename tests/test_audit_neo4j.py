"""The audit of an org read back from Neo4j equals the audit of the same org in process
(a real server: `make test` starts one; elsewhere the test skips unless CI=true)."""

from __future__ import annotations

import uuid

import pytest

from orgpower.api import generate_org, load_to_neo4j
from orgpower.api import audit as run_audit
from orgpower.report.audit import AuditConfig

pytestmark = pytest.mark.neo4j


@pytest.fixture()
def snapshot(neo4j_uri):
    from orgpower.graph.neo4j_store import Neo4jStore

    name = f"test-audit-{uuid.uuid4().hex[:8]}"
    yield name
    with Neo4jStore.connect(neo4j_uri) as store:
        store.delete_snapshot(name)


def test_audit_from_neo4j_snapshot_matches_in_process_audit(neo4j_uri, snapshot):
    model = generate_org(60, "mixed", seed=9)
    load_to_neo4j(model, neo4j_uri, snapshot=snapshot)
    config = AuditConfig(null_samples=3, seed=1)
    local = run_audit(model, config=config).document
    remote = run_audit(None, config=config, neo4j_uri=neo4j_uri, snapshot=snapshot).document
    assert remote["classification"] == local["classification"]
    assert remote["org"]["people"] == 60
    for name in ("reporting", "flows", "decisions"):
        assert remote["layers"][name]["reciprocity_edgewise"] == local["layers"][name]["reciprocity_edgewise"]


def test_compare_two_neo4j_snapshots(neo4j_uri, snapshot):
    old = generate_org(40, "power-over", seed=3)
    new = generate_org(40, "mutual", seed=3)
    load_to_neo4j(old, neo4j_uri, snapshot=snapshot + "-old")
    load_to_neo4j(new, neo4j_uri, snapshot=snapshot)
    try:
        result = run_audit(None, config=AuditConfig(null_samples=2), neo4j_uri=neo4j_uri, snapshot=snapshot,
                           compare_snapshot=snapshot + "-old")
        assert result.comparison["org_label"] == {"old": "power-over", "new": "mutual"}
    finally:
        from orgpower.graph.neo4j_store import Neo4jStore

        with Neo4jStore.connect(neo4j_uri) as store:
            store.delete_snapshot(snapshot + "-old")
