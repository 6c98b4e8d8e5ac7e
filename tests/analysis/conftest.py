import importlib.util
import json
from pathlib import Path

import pytest

from consult.analysis.pipeline import Document

DATA = Path(__file__).with_name("data")


def load_jsonl(path: Path) -> list[Document]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            docs.append(Document(id=r["id"], text=r["text"], title=r.get("title"), stance=r.get("stance"),
                                 author=r.get("author"), weight=float(r.get("weight", 1))))
    return docs


@pytest.fixture(scope="session")
def matter_docs() -> list[Document]:
    return load_jsonl(DATA / "fixture_matter.jsonl")


@pytest.fixture(scope="session")
def devset_module():
    spec = importlib.util.spec_from_file_location("make_devset", DATA / "make_devset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
