"""The command line as a user runs it: subprocesses, clear errors, no tracebacks, idempotent ingest."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED, needs_shared, run_cli

EN = b"""---
url: https://example.org/t
date: 2025-09-22
---
Nvidia will invest as much as $100 billion in OpenAI. OpenAI will buy Nvidia chips for its data centers.
"""


def test_ingest_export_query_circular_show(tmp_path):
    art = tmp_path / "a.md"
    art.write_bytes(EN)
    st = str(tmp_path / "s")
    r = run_cli("ingest", str(art), "--store", st)
    assert r.returncode == 0, r.stderr
    assert b"added" in r.stdout
    assert b"unchanged" in run_cli("ingest", str(art), "--store", st).stdout
    out = tmp_path / "g.nq"
    assert run_cli("export", "--store", st, "--format", "nquads", "-o", str(out)).returncode == 0
    assert b"<https://w3id.org/dealgraph/doc/" in out.read_bytes()
    q = run_cli("query", "--store", st, "--format", "json",
                "SELECT ?o WHERE { <https://w3id.org/dealgraph/id/nvidia> <https://w3id.org/dealgraph#investedIn> ?o }")
    assert json.loads(q.stdout)["results"]["bindings"][0]["o"]["value"].endswith("/openai")
    c = json.loads(run_cli("circular", "--store", st, "--format", "json").stdout)
    assert sorted(c[0]["entities"]) == ["NVIDIA", "OpenAI"]
    assert {e["predicate"] for e in c[0]["edges"]} == {"investedIn", "buysFrom"}
    assert all(e["evidence"] and e["sources"] for e in c[0]["edges"])
    s = json.loads(run_cli("show", "輝達", "--store", st, "--format", "json").stdout)
    assert s["label"] == "NVIDIA"
    assert run_cli("remove", str(art), "--store", st).returncode == 0
    assert json.loads(run_cli("circular", "--store", st, "--format", "json").stdout) == []


@pytest.mark.parametrize("content, message", [(b"", b"empty"), (b"\x00\x01\x02binary", b"binary"),
                                              (b"![](x.png)\n", b"no article text")])
def test_bad_files_get_clear_messages(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.md"
    good.write_bytes(EN)
    r = run_cli("ingest", str(tmp_path), "--store", str(tmp_path / "s"))
    assert r.returncode == 1
    assert message in r.stderr
    assert b"Traceback" not in r.stderr
    assert b"1 added" in r.stdout


def test_gbk_file_is_decoded(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes("英伟达向OpenAI投资1000亿美元，双方将合作建设数据中心。".encode("gbk"))
    r = run_cli("ingest", str(f), "--store", str(tmp_path / "s"), "--published", "2025-09-24")
    assert r.returncode == 0, r.stderr


def test_stdin(tmp_path):
    r = run_cli("ingest", "-", "--store", str(tmp_path / "s"), input="微软向OpenAI投资100亿美元。".encode())
    assert r.returncode == 0 and b"added" in r.stdout


def test_unknown_entity_and_bad_query(tmp_path):
    st = str(tmp_path / "s")
    r = run_cli("show", "NoSuchCompany", "--store", st)
    assert r.returncode == 2 and b"no entity" in r.stderr and b"Traceback" not in r.stderr
    r = run_cli("query", "SELEC nonsense", "--store", st)
    assert r.returncode == 2 and b"Traceback" not in r.stderr


def test_service_refused(tmp_path):
    r = run_cli("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--store",
                str(tmp_path / "s"))
    assert r.returncode == 2 and b"SERVICE" in r.stderr.upper()


@needs_shared
def test_seed_twice_same_count(tmp_path):
    st = str(tmp_path / "s")
    for _ in range(2):
        assert run_cli("ingest", str(SEED), "--published", "2026-01-07", "--store", st).returncode == 0
    a = run_cli("query", "--store", st, "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(a.stdout.decode().splitlines()[1]) > 100
