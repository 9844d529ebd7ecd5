"""Public labelled intent data sets, read from local copies that are never committed.

Neither can be installed with pip, so each is read from a checkout of its GitHub repository
(`git clone` it, or where only a bare copy can be had, `git --git-dir=COPY archive HEAD PATH |
tar -x -C DIR` of the paths below); no data set file is committed here.

- CLINC150 (GitHub clinc/oos-eval, CC BY 3.0): `data/data_full.json`, 150 intents, 100
  train / 20 val / 30 test messages each; the out-of-scope messages have no intent and are
  left out.
- HWU64 (GitHub xliuhw/NLU-Evaluation-Data, CC BY 4.0): the CSV files of its first
  cross-validation fold, `trainset/*.csv` and `testset/csv/*.csv`, one file per intent
  (scenario_intent, 64 of them), 9,960 train and 1,076 test messages. The repository's
  all-in-one CSV, which holds more, is not used: the copy it was benchmarked from lacked it.

Point `--clinc` / `--hwu` (or CLINC150_DIR / HWU64_DIR) at the two checkouts.
"""

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

HWU64_FOLD = Path(
    "CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/CrossValidation/KFold_1"
)
HWU64_SPLITS = {"train": "trainset", "test": "testset/csv"}
CLINC150_FILE = Path("data/data_full.json")


@dataclass(frozen=True)
class LabelledSet:
    name: str
    texts: list[str]
    intents: list[str]


def clinc150(root: Path, split: str) -> LabelledSet:
    """CLINC150's in-scope messages of one split (train, val or test)."""
    with (root / CLINC150_FILE).open(encoding="utf-8") as file:
        pairs = json.load(file)[split]
    return LabelledSet(
        f"CLINC150 {split}", [text for text, _ in pairs], [intent for _, intent in pairs]
    )


def hwu64(root: Path, split: str) -> LabelledSet:
    """HWU64's messages of one split (train or test) of its first fold."""
    texts, intents = [], []
    for path in sorted((root / HWU64_FOLD / HWU64_SPLITS[split]).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file, delimiter=";"):
                # The text as the annotators normalised it, without the slot brackets.
                texts.append(row["answer_from_anno"])
                intents.append(path.stem)
    if not texts:
        raise FileNotFoundError(f"No HWU64 {split} files under {root / HWU64_FOLD}")
    return LabelledSet(f"HWU64 {split}", texts, intents)


def data_root(given: str | None, variable: str) -> Path:
    root = given or os.environ.get(variable)
    if not root:
        raise SystemExit(f"Give the data set's checkout with its option or {variable}.")
    return Path(root)
