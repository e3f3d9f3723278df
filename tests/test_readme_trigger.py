"""The README's orchestration commands match the code: each `prefect deployment run` names a deployment in
prefect.yaml and only parameters its flow takes, and the spec it passes exists (issue 15: the trigger failed as
written after `make demo`). The deployments themselves run on a real server in test_prefect_server.py."""

from __future__ import annotations

import importlib
import inspect
import re
import shlex

import yaml

from flows.config import PROJECT_ROOT


def _orchestration_commands() -> list[list[str]]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Orchestration") :]
    block = re.search(r"```bash\n(.*?)```", section, re.S)[1]
    return [shlex.split(line.split("#")[0]) for line in block.splitlines() if "deployment run" in line]


def test_every_deployment_run_in_the_readme_matches_a_deployment_and_its_flow():
    deployments = {
        d["name"]: d for d in yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())["deployments"]
    }
    commands = _orchestration_commands()
    assert any(c[3] == "request/request" for c in commands)
    for words in commands:
        flow_name, deployment = words[3].split("/")
        module, function = deployments[deployment]["entrypoint"].split(":")
        flow = getattr(importlib.import_module(module), function)
        assert flow.name == flow_name
        params = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "-p")
        assert set(params) <= set(inspect.signature(flow.fn).parameters), words
        if "spec" in params:
            assert (PROJECT_ROOT / params["spec"]).is_file()
        assert params.get("demo") == "true"  # after `make demo` only the demo's home has a warehouse
