"""Helpers shared by the example training scripts: seeding, ONNX export, JSON output."""

import json
import random
from pathlib import Path

import numpy as np
import torch

ONNX_OPSET = 17
JSON_WIDTH = 100


def make_deterministic(seed: int) -> torch.Generator:
    """Seed every source of randomness and return a generator for shuffling and augmentation."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # One thread keeps floating-point reductions in a fixed order.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    return torch.Generator().manual_seed(seed)


def export_onnx(
    model: torch.nn.Module, example: torch.Tensor, path: Path, output_name: str
) -> None:
    """Export with the batch axis dynamic, as a user of torch.onnx.export would."""
    model.eval()
    torch.onnx.export(
        model,
        example,
        str(path),
        input_names=["input"],
        output_names=[output_name],
        dynamic_axes={"input": {0: "batch"}, output_name: {0: "batch"}},
        opset_version=ONNX_OPSET,
        do_constant_folding=True,
    )


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(dim=1) == labels).float().mean().item()


def write_json(path: Path, value: object) -> None:
    """Write JSON laid out the way Prettier (width 100) prints it, so `prettier --check` passes.

    The top-level container is expanded; nested ones go on one line when they fit (and Prettier's
    own rules do not force a break) and are expanded otherwise. Long arrays of numbers,
    which Prettier would wrap in a fill layout, are not supported: keep data in short arrays or
    strings.
    """
    path.write_text(_format(value, 0, 0, "") + "\n", encoding="utf-8")


def _format(value: object, indent: int, prefix: int, suffix: str) -> str:
    if not isinstance(value, (list, dict)):
        return json.dumps(value)
    inline = _inline(value)
    fits = indent + prefix + len(inline) + len(suffix) <= JSON_WIDTH
    if not value or (fits and indent > 0 and not _always_breaks(value)):
        return inline
    if isinstance(value, list) and all(isinstance(item, (int, float)) for item in value):
        raise ValueError("long arrays of numbers are not supported")
    pad = " " * (indent + 2)
    entries = list(value.items()) if isinstance(value, dict) else [(None, item) for item in value]
    lines = []
    for position, (key, item) in enumerate(entries):
        comma = "," if position < len(entries) - 1 else ""
        label = "" if key is None else json.dumps(key) + ": "
        lines.append(pad + label + _format(item, indent + 2, len(label), comma) + comma)
    open_, close = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return open_ + "\n" + "\n".join(lines) + "\n" + " " * indent + close


def _always_breaks(value: object) -> bool:
    """Prettier breaks an array whose items are all objects (or all arrays) of 2+ entries."""
    if not isinstance(value, list) or len(value) < 2:
        return False
    return any(
        all(isinstance(item, kind) and len(item) > 1 for item in value) for kind in (list, dict)
    )


def _inline(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        fields = ", ".join(f"{json.dumps(key)}: {_inline(item)}" for key, item in value.items())
        return "{ " + fields + " }"
    return json.dumps(value)
