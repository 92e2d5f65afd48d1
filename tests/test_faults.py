"""Faults (issue 7): an ingest killed at random moments, two writers at once, a store that cannot be written,
a full disk. After each, the store opens, holds every article the command reported, each one whole, and nothing
half-written; re-ingesting changes nothing.
"""

from __future__ import annotations

import collections
import errno
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from dealgraph.api import KnowledgeGraph
from dealgraph.errors import StoreError
from dealgraph.graph.store import Store

PUBLISHED = "2026-01-07"
INVESTORS = ["英伟达", "微软", "谷歌", "亚马逊", "甲骨文", "软银", "英特尔", "腾讯", "阿里巴巴", "百度"]
LABS = ["OpenAI", "Anthropic", "xAI", "Mistral", "月之暗面", "智谱"]
EN_INVESTORS = ["Nvidia", "Microsoft", "Google", "Amazon", "Oracle", "SoftBank"]


def article(batch: int, i: int) -> str:
    """A short article of its own (batch, i): an investment, a purchase, a partnership and a valuation."""
    a, b = INVESTORS[(batch + i) % len(INVESTORS)], LABS[(batch * 7 + i) % len(LABS)]
    c, n = INVESTORS[(batch + i + 3) % len(INVESTORS)], 10 + batch * 40 + i
    if i % 3 == 2:
        e = EN_INVESTORS[(batch + i) % len(EN_INVESTORS)]
        return (f"# Report {batch}-{i}\n\n{e} invested ${n} billion in {b}. {b} will buy chips from {e} under a "
                f"contract worth ${n + 5} billion. {b} is now valued at ${n * 10} billion.\n")
    return (f"# 第{batch}批第{i}篇\n\n{a}向{b}投资{n}亿美元。{b}将采购{a}的芯片，合同金额为{n + 5}亿美元。"
            f"{c}与{b}宣布建立战略合作关系。{b}的估值达到{n * 10}亿美元。\n")


def write_folder(folder: Path, batch: int, n: int = 30) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"a{i:02d}.md"
        p.write_text(article(batch, i), encoding="utf-8")
        paths.append(p)
    return paths


_EXPECTED: dict[Path, tuple[str, int]] = {}


def expected_graphs(paths: list[Path]) -> dict[str, int]:
    """Each article's graph IRI and triple count when ingested alone into a fresh store."""
    out = {}
    for p in paths:
        if p not in _EXPECTED:
            kg = KnowledgeGraph.open(None)
            r = kg.ingest_file(str(p), published=PUBLISHED)
            _EXPECTED[p] = (r.graph, sum(1 for _ in kg._mem.oxigraph.quads_for_pattern(None, None, None,
                                                                                      ox.NamedNode(r.graph))))
        graph, n = _EXPECTED[p]
        out[graph] = n
    return out


def stored_graphs(store: Path) -> dict[str, int]:
    """Triples per article graph, read through a read-only open (the way `query` and `serve` open it)."""
    with Store.open(store, read_only=True) as s:
        counts = collections.Counter(q.graph_name.value for q in s.quads())
        assert s.graph_count() == len(counts)
    return dict(counts)


def cli(*args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dealgraph.cli", *args], capture_output=True, timeout=timeout, **kw)


def popen(*args: str) -> subprocess.Popen:
    # a session of its own, so that the workers it starts can be found (and ended) by its process group
    return subprocess.Popen([sys.executable, "-m", "dealgraph.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def end_group(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def group_members(pgid: int) -> list[int]:
    """Live processes of process group ``pgid`` (zombies excluded)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(d.name))
    return out


# ---------------------------------------------------------------------------------------------- SIGKILL
KILLS = 20
LANES = 2          # stores killed side by side (the kills are mostly waiting for start-up)


def _kill_lane(tmp: Path, lane: int, kills: int) -> dict:
    """``kills`` ingests of distinct 30-article folders into one store, each SIGKILLed at a random moment; after
    each, the store is reopened and checked. Returns what it saw; raises AssertionError on a lost or partial
    article."""
    store = tmp / f"store{lane}"
    rng = random.Random(7 + lane)
    expected: dict[str, int] = {}
    reported: dict[str, str] = {}           # graph -> file, for every "added" line seen
    mid_ingest = 0
    for j in range(kills):
        batch = lane * 100 + j
        paths = write_folder(tmp / f"batch{batch:03d}", batch)
        by_name = {str(p): p for p in paths}
        args = ["ingest", str(paths[0].parent), "--store", str(store), "--published", PUBLISHED]
        if j != kills - 1:                   # in-process extraction; the last kill with worker processes
            args += ["-j", "1"]
        p = popen(*args)
        lines: list[bytes] = []
        k = rng.randrange(0, 12)
        reached = threading.Event()

        def read(p=p, lines=lines, k=k, reached=reached) -> None:
            for line in p.stdout:
                lines.append(line)
                if sum(x.startswith(b"added") for x in lines) >= k:
                    reached.set()
            reached.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            if k == 0:
                time.sleep(rng.uniform(0.2, 1.2))          # during start-up or the first articles
            else:
                assert reached.wait(60), f"no {k} 'added' lines within 60 s: is stdout flushed per article?"
                time.sleep(rng.uniform(0, 0.04))           # a random moment inside the next article
            mid_ingest += p.poll() is None
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=20)
            # reopened while orphaned workers may still be around: the store lock died with the writer
            with Store.open(store) as rw:                  # read-write open works after the crash
                rw.triple_count()
            stored = stored_graphs(store)                  # and so does read-only
            # articles are committed in folder order: the expected graphs of the first ones suffice, unless
            # something else turned up
            expected |= expected_graphs(paths[:len(lines) + 3])
            if any(g not in expected for g in stored):
                expected |= expected_graphs(paths)
        finally:
            end_group(p)                                   # workers the killed ingest left behind, if any
            reader.join(20)
            p.stdout.close()
            p.stderr.close()
        for line in lines:
            if line.startswith(b"added"):
                name, graph = line.split()[1].decode(), line.split()[-1].decode()
                assert name in by_name and graph in expected, line
                reported[graph] = name
        missing = [reported[g] for g in reported if g not in stored]
        assert not missing, f"kill {batch}: reported as added but not stored: {missing}"
        unknown = [g for g in stored if g not in expected]
        assert not unknown, f"kill {batch}: stored graphs no article produces: {unknown}"
        partial = {g: (n, expected[g]) for g, n in stored.items() if n != expected[g]}
        assert not partial, f"kill {batch}: half-written article graphs (stored, whole): {partial}"
    return {"store": store, "mid_ingest": mid_ingest, "reported": len(reported), "last": tmp / f"batch{batch:03d}"}


def test_sigkill_at_random_moments_loses_nothing_and_half_writes_nothing(tmp_path):
    """20 ingests of distinct 30-article folders, each killed with SIGKILL at a random moment (during start-up,
    or a random 0-40 ms after its k-th "added" line), in two stores that each live through ten crashes in a row.
    Every article the command reported is stored whole, every stored article is whole, and read-only and
    read-write opens work after every kill. Then re-ingesting a folder changes nothing."""
    results: list[dict] = []
    errors: list[BaseException] = []

    def lane(i: int) -> None:
        try:
            results.append(_kill_lane(tmp_path, i, KILLS // LANES))
        except BaseException as e:  # noqa: BLE001  (re-raised below, in the test's thread)
            errors.append(e)

    threads = [threading.Thread(target=lane, args=(i,)) for i in range(LANES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    mid_ingest = sum(r["mid_ingest"] for r in results)
    print(f"{KILLS} kills, {mid_ingest} inside a running ingest; {sum(r['reported'] for r in results)} articles "
          "reported as added, all stored whole")
    assert mid_ingest >= KILLS * 3 // 4, f"only {mid_ingest} of {KILLS} kills hit a running ingest"
    assert sum(r["reported"] for r in results) >= KILLS      # the kills did land among committed articles
    store, last = results[0]["store"], str(results[0]["last"])
    assert cli("ingest", last, "--store", str(store), "--published", PUBLISHED, "-j", "1").returncode == 0
    before = stored_graphs(store)
    again = cli("ingest", last, "--store", str(store), "--published", PUBLISHED, "-j", "1")
    assert again.returncode == 0, again.stderr
    assert all(line.startswith(b"unchanged") for line in again.stdout.splitlines()[:-1])
    assert stored_graphs(store) == before


def test_killed_ingest_leaves_no_worker_processes(tmp_path):
    folder = tmp_path / "in"
    write_folder(folder, 99, 20)
    p = popen("ingest", str(folder), "--store", str(tmp_path / "s"), "-j", "2")
    try:
        deadline = time.monotonic() + 30
        while len(group_members(p.pid)) < 3 and time.monotonic() < deadline:     # the command and its 2 workers
            time.sleep(0.05)
        time.sleep(0.3)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=20)
        deadline = time.monotonic() + 2
        while group_members(p.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group_members(p.pid) == [], "worker processes still running after their ingest was killed"
    finally:
        end_group(p)
        p.stdout.close()
        p.stderr.close()


# ---------------------------------------------------------------------------------------------- two writers
def test_second_ingest_while_store_is_held_gets_store_is_busy(tmp_path):
    store = tmp_path / "store"
    first = write_folder(tmp_path / "first", 1, 3)
    KnowledgeGraph.open(store).ingest_file(str(first[0]), published=PUBLISHED)
    before = stored_graphs(store)
    holder = Store.open(store)                      # another writer holds the store
    try:
        r = cli("ingest", str(first[1]), "--store", str(store), timeout=30)
    finally:
        holder.close()
    assert r.returncode != 0
    assert b"store is busy" in r.stderr and b"Traceback" not in r.stderr
    assert stored_graphs(store) == before


def test_two_ingests_at_once_never_corrupt(tmp_path):
    """Started together on one fresh store: each either finishes or fails with 'store is busy'; what the
    finished ones reported is stored, whole."""
    store = tmp_path / "store"
    a, b = write_folder(tmp_path / "a", 31, 12), write_folder(tmp_path / "b", 32, 12)
    procs = [popen("ingest", str(x[0].parent), "--store", str(store), "--published", PUBLISHED, "-j", "1")
             for x in (a, b)]
    try:
        outs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            end_group(p)
    expected = expected_graphs(a + b)
    stored = stored_graphs(store)
    for p, (out, err) in zip(procs, outs, strict=True):
        if p.returncode != 0:
            assert b"store is busy" in err and b"Traceback" not in err, err
        for line in out.splitlines():
            if line.startswith(b"added"):
                g = line.split()[-1].decode()
                assert stored.get(g) == expected[g], line
    assert any(p.returncode == 0 for p in procs)
    assert all(expected.get(g) == n for g, n in stored.items())


# ---------------------------------------------------------------------------------------------- unwritable store
STORE_ERRORS = [
    # (case, store path builder, what stderr must say)
    ("store path is a file", lambda tmp: _touch(tmp / "plain-file"), b"is a file, not a store folder"),
    ("store under /proc", lambda tmp: Path("/proc/self/dealgraph-store"), b"cannot open the store"),
    ("store under a file", lambda tmp: _touch(tmp / "plain-file") / "store", b"cannot open the store"),
]


def _touch(p: Path) -> Path:
    p.write_text("not a store")
    return p


@pytest.mark.parametrize("case, where, message", STORE_ERRORS, ids=[c[0] for c in STORE_ERRORS])
def test_unwritable_store_gives_a_clear_error(tmp_path, case, where, message):
    art = write_folder(tmp_path / "in", 3, 1)[0]
    store = where(tmp_path)
    r = cli("ingest", str(art), "--store", str(store), timeout=30)
    assert r.returncode != 0
    assert message in r.stderr, r.stderr
    assert b"Traceback" not in r.stderr
    if store.name == "plain-file":
        assert store.read_text() == "not a store"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_store_folder_gives_a_clear_error(tmp_path):
    art = write_folder(tmp_path / "in", 4, 1)[0]
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        r = cli("ingest", str(art), "--store", str(parent / "store"), timeout=30)
    finally:
        parent.chmod(0o755)
    assert r.returncode != 0 and b"Traceback" not in r.stderr
    assert b"cannot write to the store" in r.stderr or b"cannot open the store" in r.stderr


# ---------------------------------------------------------------------------------------------- disk full
class _FullDisk:
    """A pyoxigraph store whose writes fail as on a full disk (reads pass through)."""

    def __init__(self, inner: ox.Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str):
        if name in ("extend", "update", "add_graph", "remove_graph", "flush", "bulk_extend", "add", "remove",
                    "clear", "clear_graph", "load", "bulk_load"):
            def fail(*a, **k):
                raise OSError(errno.ENOSPC, "No space left on device")
            return fail
        return getattr(self._inner, name)


def test_disk_full_gives_a_clear_error_and_keeps_the_store(tmp_path):
    store = tmp_path / "store"
    paths = write_folder(tmp_path / "in", 5, 3)
    kg = KnowledgeGraph.open(store)
    kg.ingest_file(str(paths[0]), published=PUBLISHED)
    before = stored_graphs(store)
    st = Store.open(store)
    real = st._s
    st._s = _FullDisk(real)
    try:
        with pytest.raises(StoreError, match="no space left on the disk"):
            kg.ingest_file(str(paths[1]), published=PUBLISHED, store=st)
        with pytest.raises(StoreError, match="no space left on the disk"):
            st.remove_article(next(iter(before)))
    finally:
        st._s = real
        del real                                   # the store object's last reference: closing releases it
        st.close()
    assert stored_graphs(store) == before              # the store is intact and opens again
    r = cli("ingest", str(paths[1]), "--store", str(store), "--published", PUBLISHED, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith(b"added"), r.stderr


DISK_FULL_CLI = """
import errno, sys
import dealgraph.graph.store as gs
from dealgraph.cli import main

class FillingDisk:                         # the disk fills up at the third article
    def __init__(self, inner):
        self._inner, self._writes = inner, 0
    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name not in ("extend", "update", "load"):
            return attr
        def write(*a, **k):
            self._writes += 1
            if self._writes > 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return attr(*a, **k)
        return write

real_open = gs.Store.open.__func__
def open_(cls, *a, **k):
    s = real_open(cls, *a, **k)
    if not s.read_only and s.path is not None:
        s._s = FillingDisk(s._s)
    return s
gs.Store.open = classmethod(open_)
sys.argv = ["dealgraph"] + sys.argv[1:]
main()
"""


def test_disk_full_during_a_folder_ingest_through_the_cli(tmp_path):
    store = tmp_path / "store"
    folder = tmp_path / "in"
    write_folder(folder, 6, 5)
    r = subprocess.run([sys.executable, "-c", DISK_FULL_CLI, "ingest", str(folder), "--store", str(store),
                        "--published", PUBLISHED, "-j", "1"], capture_output=True, timeout=60)
    assert r.returncode != 0
    assert b"no space left on the disk" in r.stderr and b"Traceback" not in r.stderr, r.stderr
    added = [line.split()[-1].decode() for line in r.stdout.splitlines() if line.startswith(b"added")]
    assert len(added) == 2
    stored = stored_graphs(store)
    assert sorted(stored) == sorted(added)


# ---------------------------------------------------------------------------------------------- readers beside a writer
WRITER = """
import sys, time
import pyoxigraph as ox
from dealgraph.graph.store import Store
Store.FLUSH_EVERY_QUADS = 2000            # flush, and so compact, ten times as often as a real ingest
s = Store.open(sys.argv[1])
end, i = time.monotonic() + float(sys.argv[2]), 0
while time.monotonic() < end:
    g = f"https://w3id.org/dealgraph/doc/w{i}"
    s.put_article(g, [ox.Quad(ox.NamedNode(f"urn:s{i}-{j}"), ox.NamedNode("urn:p"), ox.Literal(str(j)),
                              ox.NamedNode(g)) for j in range(500)])
    i += 1
s.close()
print(i)
"""

READER = """
import json, sys, time
from dealgraph.graph.store import Store
end, opens, errors, last, partial, seen = time.monotonic() + float(sys.argv[2]), 0, [], 0, 0, set()
Q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
while time.monotonic() < end:
    try:
        with Store.open(sys.argv[1], read_only=True) as s:
            graphs = s.graph_count()
            per_graph = {r["g"].value: int(r["n"].value) for r in s.query(Q)}
        partial += sum(1 for n in per_graph.values() if n != 500)
        errors += [f"went back from {last} to {graphs} graphs"] if graphs < last else []
        errors += [f"{graphs} graphs but {len(per_graph)} counted"] if graphs != len(per_graph) else []
        last, opens = graphs, opens + 1
        seen.add(graphs)
    except Exception as e:
        errors.append(f"{type(e).__name__}: {str(e)[:200]}")
print(json.dumps({"opens": opens, "errors": errors, "partial": partial, "graphs": last, "distinct": len(seen)}))
"""


def test_readers_beside_a_writer_see_whole_articles_and_never_fail(tmp_path):
    """RocksDB's read-only open beside a live writer used to fail (files deleted by the writer's compaction) or
    spin inside a query (without the snapshots, each of three runs of this test failed: two hung, one saw
    "No such file or directory"); every reader now works on a snapshot of its own. Hang detector: 20 s."""
    store = tmp_path / "store"
    subprocess.run([sys.executable, "-c", WRITER, str(store), "0.3"], check=True, timeout=60)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store), "6"], stdout=subprocess.PIPE)
    try:
        time.sleep(0.5)
        r = subprocess.run([sys.executable, "-c", READER, str(store), "5"], capture_output=True, timeout=20)
        out, _ = writer.communicate(timeout=60)
    finally:
        writer.kill()
    assert r.returncode == 0, r.stderr
    seen = __import__("json").loads(r.stdout)
    assert seen["errors"] == [] and seen["partial"] == 0, seen
    assert seen["opens"] >= 3 and seen["graphs"] > 0, seen
    assert not any((store / ".readers").glob("*")), "a reader left its snapshot behind"
    assert seen["distinct"] >= 2, seen                  # it read while the writer was adding articles
    assert int(out) >= seen["graphs"] > 0


def test_snapshots_of_killed_readers_are_swept(tmp_path):
    from dealgraph.graph.store import _host

    store = tmp_path / "store"
    KnowledgeGraph.open(store).ingest_file(str(write_folder(tmp_path / "in", 7, 1)[0]), published=PUBLISHED)
    readers = store / ".readers"
    dead = readers / f"4194303@{_host()}-stale"          # a pid above Linux's maximum: never alive
    other_host = readers / "4194303@elsewhere-x"         # another machine's reader: its pid means nothing here
    for d in (dead, other_host):
        d.mkdir(parents=True)
        (d / "000001.sst").write_bytes(b"x")
    with Store.open(store, read_only=True) as s:
        assert s.graph_count() == 1
        assert len(list(readers.iterdir())) == 2         # its own snapshot, and the other host's
    assert not dead.exists() and other_host.exists()
    assert list(readers.iterdir()) == [other_host]
