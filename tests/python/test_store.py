"""looplab.Store: a results store read back, checked against SQLite itself.

The store is written by the CLI (`looplab run`, `looplab sweep --db`), so these tests need one
(LOOPLAB_CLI); the errors for a missing or foreign file do not.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

import looplab

RUN_ARGS = ["run", "--model", "tiny", "--variant", "plt", "--loops", "2", "--batch", "2", "--prompt-len", "8",
            "--decode-steps", "3", "--repeat", "2", "--max-time", "0", "--warmup", "0", "--threads", "1",
            "--hardware", "h200", "--label", "python-test"]
SWEEP = dict(name="store-test", models=["tiny"], variants=["vanilla", "plt"], loops=[2], batches=[1, 4],
             contexts=[32], hardware=["h200"], generate=4)


@pytest.fixture(scope="module")
def db(cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("store")
    path = d / "looplab.db"
    p = cli.run([*RUN_ARGS, "--db", str(path)])
    assert p.returncode == 0, p.stderr
    spec = d / "spec.json"
    spec.write_text(json.dumps(SWEEP))
    p = cli.run(["sweep", str(spec), "--db", str(path), "--no-progress"])
    assert p.returncode == 0, p.stderr
    return path


def _count(path, sql, *args):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return con.execute(sql, args).fetchone()[0]


def test_runs_and_one_run(db):
    with looplab.Store(db) as s:
        runs = s.runs()
        assert len(runs) == 1
        r = runs[0]
        assert (r["model"], r["variant"], r["loops"], r["batch"], r["label"]) == ("tiny", "plt", 2, 2, "python-test")
        assert r["status"] == "complete" and r["complete"] is True and r["hardware"] == "h200"
        assert r["op_rows"] == _count(db, "SELECT count(*) FROM op_measurements WHERE run_id = ?", r["id"])
        one = s.run(r["id"])
        assert {k: v for k, v in r.items() if k not in ("op_rows", "kernel_rows")} == one
        assert json.loads(one["config_json"])["name"] == "tiny"
        assert one["decode_median_s"] > 0


def test_steps_ops_and_predictions(db):
    with looplab.Store(db) as s:
        rid = s.runs()[0]["id"]
        steps = s.steps(rid)
        assert len(steps) == 2 * (1 + 3)  # repeats x (prefill + decode steps)
        assert [st["phase"] for st in steps[:2]] == ["prefill", "decode"]
        ops = s.ops(rid)
        assert len(ops) == _count(db, "SELECT count(*) FROM op_measurements WHERE run_id = ?", rid)
        # Each step's ops are the plan's ops, by index (the join key with predictions).
        plan = looplab.plan(looplab.model("tiny", variant="plt", loops=2), batch=2, context=9)
        decode_ops = [o for o in ops if (o["repeat_index"], o["step_index"]) == (0, 1)]
        assert [o["kind"] for o in decode_ops] == [o["kind"] for o in plan]
        assert all(o["end_ns"] >= o["start_ns"] and o["device_ns"] is None for o in ops)
        preds = s.predictions(rid)
        assert len(preds) == _count(db, "SELECT count(*) FROM predictions WHERE run_id = ?", rid)
        assert {p["bound"] for p in preds} <= set(looplab.BOUNDS)
        assert s.kernels(rid) == []  # a CPU run has no CUPTI kernels


def test_sweeps_and_their_points(db):
    with looplab.Store(db) as s:
        (sw,) = s.sweeps()
        assert sw["name"] == "store-test" and sw["points"] == 4
        assert json.loads(sw["spec_json"])["name"] == "store-test"
        points = s.sweep_points(sw["id"])
        cols = looplab.sweep(SWEEP, as_frame=False)
        assert [p["decode_step_s"] for p in points] == list(cols["decode_step_s"])
        assert [p["window_len"] for p in points] == [w or 0 for w in cols["window"]]


def test_frames(db):
    pd = pytest.importorskip("pandas")
    with looplab.Store(db) as s:
        rid = s.runs()[0]["id"]
        assert len(s.runs_frame()) == 1
        ops = s.ops_frame(rid)
        assert isinstance(ops, pd.DataFrame) and len(ops) == len(s.ops(rid))
        assert str(ops["device_ns"].dtype) in ("object", "float64", "Int64")
        assert len(s.sweep_points_frame(s.sweeps()[0]["id"])) == 4
        assert len(s.steps_frame(rid)) == 8 and len(s.predictions_frame(rid)) > 0


def test_reading_changes_nothing(db):
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with looplab.Store(db) as s:
        for r in s.runs():
            s.ops(r["id"])
        s.sweeps()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_unknown_ids_and_a_closed_store(db):
    s = looplab.Store(db)
    with pytest.raises(looplab.InputError) as e:
        s.ops(999)
    assert e.value.field == "run"
    with pytest.raises(looplab.InputError) as e:
        s.sweep_points(999)
    assert e.value.field == "sweep"
    s.close()
    assert s.closed
    with pytest.raises(looplab.InputError) as e:
        s.runs()
    assert e.value.field == "db"


def test_files_that_are_not_stores_are_refused(tmp_path):
    with pytest.raises(looplab.InputError) as e:
        looplab.Store(tmp_path / "missing.db")
    assert e.value.field == "db"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(looplab.InputError) as e:
        looplab.Store(junk)
    assert e.value.field == "db"
    assert junk.read_bytes() == b"not a database" * 100
    assert not (tmp_path / "missing.db").exists()


def test_store_error_is_its_own_class():
    assert issubclass(looplab.StoreError, RuntimeError)
    assert not issubclass(looplab.StoreError, looplab.InputError)
