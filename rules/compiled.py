"""The masker compiled with mypyc: the code of rules/masking.py as a C extension, about a
quarter faster, which the import and every masked page run.

`make compile` (part of `make run`, `make test` and the benchmarks) builds it into build/mypyc/
with the hash of the masking.py it was built from, and the `rules` package imports it only while
that is the current file's hash: an edit to masking.py is never hidden behind a stale build. A
machine that cannot build it (no C compiler) runs the pure Python, which finds the same spans
(tests/test_masking_compiled.py compares the two on every evaluation text).
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).with_name("masking.py")
BUILD_DIR = SOURCE.parent.parent / "build" / "mypyc"
PACKAGE_DIR = BUILD_DIR / "rules"  # on the `rules` package's path, before its own directory
STAMP = PACKAGE_DIR / "masking.sha256"


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def built_directory() -> Path | None:
    """build/mypyc/rules when it holds a build of the current masking.py, else None."""
    try:
        built_from = STAMP.read_text().strip()
    except OSError:
        return None
    return PACKAGE_DIR if built_from == _hash(SOURCE) else None


def masker_is_compiled() -> bool:
    """Whether rules.masking was imported from its build."""
    import rules.masking

    return Path(rules.masking.__file__ or "").suffix != ".py"


def build() -> None:
    """Compile masking.py unless its build is current; raises if mypyc or the compiler fails."""
    if built_directory() is not None:
        return
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    PACKAGE_DIR.mkdir(parents=True)
    copy = PACKAGE_DIR / "masking.py"
    shutil.copyfile(SOURCE, copy)
    (PACKAGE_DIR / "__init__.py").touch()  # so that mypyc names the module rules.masking
    # A configuration of its own: the project's loads the Django plugin, which needs settings.
    (BUILD_DIR / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\n")
    subprocess.run(
        [sys.executable, "-m", "mypyc", "--config-file", "mypy.ini", "rules/masking.py"],
        cwd=BUILD_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    STAMP.write_text(_hash(copy) + "\n")  # of the copy built: the source may have changed since
