"""Train the iris example: a small MLP on scikit-learn's bundled Iris data (Fisher, 1936).

Run with `/usr/bin/python3 examples/iris/train.py` from anywhere. It writes iris.onnx,
model-config.yaml, index_to_name.json and test_split.json next to this file.
The feature standardization is part of the exported graph: clients send raw measurements in cm.
"""

import sys
from pathlib import Path

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from torch import nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.dont_write_bytecode = True  # keep __pycache__ out of the examples tree
from common import accuracy, export_onnx, make_deterministic, write_json  # noqa: E402

SEED = 0
TEST_FRACTION = 0.3  # 45 flowers, 15 per species: 20 % would leave only 10 per species
FEATURE_NAMES = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
EPOCHS = 300
LEARNING_RATE = 1e-2


class IrisNet(nn.Module):
    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.mlp = nn.Sequential(
            nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp((x - self.mean) / self.std)


def train(features: torch.Tensor, labels: torch.Tensor) -> IrisNet:
    model = IrisNet(features.mean(dim=0), features.std(dim=0))
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        loss_fn(model(features), labels).backward()
        optimizer.step()
    return model.eval()


def write_config() -> None:
    names = "\n".join(f"    - {name}" for name in FEATURE_NAMES)
    (HERE / "model-config.yaml").write_text(
        f"""# Written by train.py. Top-level keys are TorchServe's model-config keys; the handler
# section is read by the tabular handler (see README.md).
minWorkers: 1
maxWorkers: 1
batchSize: 16
maxBatchDelay: 5
handler:
  feature_names:
{names}
  softmax: true
""",
        encoding="utf-8",
    )


def main() -> None:
    make_deterministic(SEED)
    iris = load_iris()
    train_x, test_x, train_y, test_y = train_test_split(
        iris.data, iris.target, test_size=TEST_FRACTION, stratify=iris.target, random_state=SEED
    )
    model = train(torch.from_numpy(train_x).float(), torch.from_numpy(train_y))
    with torch.no_grad():
        logits = model(torch.from_numpy(test_x).float())
    test_accuracy = accuracy(logits, torch.from_numpy(test_y))

    export_onnx(model, torch.zeros(1, 4), HERE / "iris.onnx", "logits")
    write_config()
    write_json(
        HERE / "index_to_name.json",
        {str(index): str(name) for index, name in enumerate(iris.target_names)},
    )
    write_json(
        HERE / "test_split.json",
        {
            "description": "Held-out 30 % of scikit-learn's load_iris(), stratified, seed 0.",
            "feature_names": FEATURE_NAMES,
            "accuracy": round(test_accuracy, 4),
            "samples": [
                {"features": [float(value) for value in row], "label": int(label)}
                for row, label in zip(test_x, test_y)
            ],
        },
    )
    print(f"train {len(train_x)}, test {len(test_x)}")
    print(f"held-out accuracy {test_accuracy:.4f}")


if __name__ == "__main__":
    main()
