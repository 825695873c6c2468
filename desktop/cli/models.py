"""`arquivo models` and `arquivo adapters`: list, import and check model files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from desktop.cli.options import Commands, add_json_option
from desktop.services.models import check_adapter, import_model, list_models
from desktop.services.workspace import Workspace


def add_models_parser(commands: Commands) -> None:
    p = commands.add_parser("models", help="list the GGUF chat models, or import one")
    add_json_option(p)
    sub = p.add_subparsers(dest="models_command", metavar="ACTION")
    imp = sub.add_parser("import", help="add a GGUF model file to the models folder")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--link", action="store_true", help="reference the file instead of copying it")


def add_adapters_parser(commands: Commands) -> None:
    p = commands.add_parser("adapters", help="LoRA adapters")
    sub = p.add_subparsers(dest="adapters_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="check an adapter against a model, without loading it")
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument(
        "--model", type=Path, metavar="FILE", help="the base model (default: the chat model)"
    )


def cmd_models(ws: Workspace, args: argparse.Namespace) -> int:
    if args.models_command == "import":
        path = import_model(args.file, ws.paths.models, link=args.link)
        print(f"Imported {path}." if not args.link else f"Referenced {path}.")
        return 0
    models = list_models(ws.paths.models)
    rows: list[dict[str, Any]] = [
        {
            "name": m.name,
            "path": str(m.path),
            "size_bytes": m.size_bytes,
            "architecture": m.architecture,
            "parameters": m.parameters,
            "quantization": m.quantization,
            "context_length": m.context_length,
            "chat_template": m.has_chat_template,
            "usable": m.usable,
            "reason": m.reason,
            "referenced": m.referenced,
        }
        for m in models
    ]
    if args.json:
        print(json.dumps({"models": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(f"No GGUF models in {ws.paths.models}: run `make models` or `arquivo models import`.")
    for m in models:
        params = f"{m.parameters / 1e6:.0f}M" if m.parameters else "?"
        template = "chat template" if m.has_chat_template else "no chat template"
        state = "" if m.usable else f"  NOT USABLE: {m.reason}"
        print(
            f"{m.name}: {m.architecture}, {params} parameters, {m.quantization}, "
            f"context {m.context_length}, {template}, {m.size_bytes / 1e6:.0f} MB{state}"
        )
    return 0


def cmd_adapters(ws: Workspace, args: argparse.Namespace) -> int:
    model = args.model or ws.chat_model_path
    info = check_adapter(args.file, model)
    print(
        f"{args.file}: a LoRA adapter for {info.architecture} (rank {info.rank}, "
        f"alpha {info.alpha}, {len(info.weights)} weights) that fits {Path(model).name}."
    )
    return 0
