import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"


def run_cli(*args: str, cwd: Path, input: bytes | None = None, check_ok: bool = False) -> subprocess.CompletedProcess:
    """Run the real `rashomon` command in a child process, as a user would."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200")
    result = subprocess.run(
        [sys.executable, "-m", "rashomon", *args], cwd=cwd, input=input, capture_output=True, env=env, timeout=600
    )
    if check_ok and result.returncode != 0:
        raise AssertionError(f"rashomon {' '.join(args)} failed ({result.returncode}):\n{result.stderr.decode()}")
    return result


def seed_article(prefix: str):
    """A bundled seed article ("000", "001", "002") cleaned, with its metadata and language, as the pipeline does."""
    from rashomon import clean, lang
    from rashomon.model import Article

    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    article = Article(id=prefix, original=path.read_text(encoding="utf-8"), paths=[str(path)])
    clean.clean_article(article)
    clean.extract_metadata(article)
    lang.identify_article(article)
    assert article.language
    return article


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """The seeds analysed once by the real CLI (`rashomon analyze examples/seeds`); copy it before writing to it."""
    workdir = tmp_path_factory.mktemp("seeds-db")
    run_cli("analyze", str(SEEDS), "--db", "seeds.db", cwd=workdir, check_ok=True)
    return workdir / "seeds.db"


@pytest.fixture(scope="session")
def seeds_output(seeds_db) -> dict:
    """What a user reads from the analysed seeds: the JSON export, the HTML report and the profiles.

    Built once per session from ``seeds_db`` with the real CLI; tests take a deep copy (``seeds_export``).
    """
    workdir = seeds_db.parent
    run_cli("report", "--db", "seeds.db", "--out", "report.html", cwd=workdir, check_ok=True)
    return {
        "export": json.loads(run_cli("export", "--db", "seeds.db", cwd=workdir, check_ok=True).stdout),
        "report": (workdir / "report.html").read_text(encoding="utf-8"),
        "profiles": run_cli("profiles", "--db", "seeds.db", cwd=workdir, check_ok=True).stdout.decode(),
    }


def seeds_export(seeds_output: dict) -> dict:
    """A private copy of the seeds' export with the report and profiles, and articles by file name and by id."""
    doc = copy.deepcopy(seeds_output["export"])
    doc["report"] = seeds_output["report"]
    doc["profiles"] = seeds_output["profiles"]
    doc["by_file"] = {a["paths"][0].split("/")[-1]: a for a in doc["articles"]}
    doc["by_id"] = {a["id"]: a for a in doc["articles"]}
    return doc


def analysed_store(db: Path, inputs: list[str]):
    """A real store at ``db`` with ``inputs`` ingested, analysed, resolved and grouped into stories (no comparison):
    the per-article layers most store tests read."""
    from rashomon import pipeline
    from rashomon.store import Store

    store = Store(db)
    pipeline.ingest(store, inputs)
    pipeline.analyze_pending(store)
    pipeline.update_entities(store)
    pipeline.update_stories(store)
    return store


def positions_by_outlet(doc: dict, proposition: dict) -> dict[str, list[tuple[str, str, bool]]]:
    """Per outlet of an export ``doc``, the (stance, voice name, own words?) of each of its statements on a
    proposition."""
    outlets = {a["id"]: a["source"] for a in doc["articles"]}
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for aid, stance, voice, name in zip(
        proposition["article_ids"], proposition["stances"], proposition["voices"], proposition["voice_names"]
    ):
        out.setdefault(outlets[aid], []).append((stance, name, voice is None))
    return out
