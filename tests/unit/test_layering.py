"""Imports run one way: schemas ← streams.extraction ← the Faust layer."""

import subprocess
import sys

BLOCKED = ("faust", "aiokafka", "prometheus_client", "mode")


def _imports_without(module: str, blocked: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    code = f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\nimport {module}\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_extraction_never_imports_faust_kafka_or_metrics() -> None:
    result = _imports_without("streams.extraction", BLOCKED)
    assert result.returncode == 0, result.stderr


def test_schemas_import_only_pydantic() -> None:
    result = _imports_without("schemas", (*BLOCKED, "spacy", "streams"))
    assert result.returncode == 0, result.stderr
