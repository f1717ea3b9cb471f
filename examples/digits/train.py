"""Train the digits example: a small CNN on scikit-learn's bundled UCI handwritten digits.

Run with `/usr/bin/python3 examples/digits/train.py` from anywhere. It writes digits.onnx,
model-config.yaml, index_to_name.json, test_split.json and samples/ next to this file.
No network access: the data ships inside scikit-learn.
"""

import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.dont_write_bytecode = True  # keep __pycache__ out of the examples tree
from common import accuracy, export_onnx, make_deterministic, write_json  # noqa: E402

SEED = 0
TEST_FRACTION = 0.2
SIZE = 28  # model input side, as MNIST
BOX = 20  # the digit's box inside the input, as MNIST (4 px of background on each side)
MAX_SHIFT = 2  # training augmentation: random translation by up to this many pixels
EPOCHS = 40
BATCH = 64
LEARNING_RATE = 2e-3


class DigitNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 28 -> 14
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 7 -> 3
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 3 * 3, 64), nn.ReLU(), nn.Linear(64, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def to_canvas(image: np.ndarray) -> np.ndarray:
    """8x8 grid of ink counts 0..16 -> 28x28 uint8, white ink on black, digit in a 20x20 box."""
    gray = np.rint(image * (255 / 16)).astype(np.uint8)
    box = Image.fromarray(gray, mode="L").resize((BOX, BOX), Image.Resampling.BILINEAR)
    canvas = np.zeros((SIZE, SIZE), dtype=np.uint8)
    margin = (SIZE - BOX) // 2
    canvas[margin : margin + BOX, margin : margin + BOX] = np.asarray(box)
    return canvas


def normalize(canvases: np.ndarray, mean: float, std: float) -> torch.Tensor:
    """uint8 [n, 28, 28] -> float32 [n, 1, 28, 28], the model input."""
    scaled = torch.from_numpy(canvases).float().div(255).unsqueeze(1)
    return (scaled - mean) / std


def shift(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Translate each image; the wrapped-around pixels are border background, so nothing is lost."""
    offsets = torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, (len(batch), 2), generator=generator)
    shifted = [
        torch.roll(image, shifts=(int(dy), int(dx)), dims=(1, 2))
        for image, (dy, dx) in zip(batch, offsets)
    ]
    return torch.stack(shifted)


def train(inputs: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> DigitNet:
    model = DigitNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(EPOCHS):
        model.train()
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(order), BATCH):
            picked = order[start : start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(shift(inputs[picked], generator)), labels[picked])
            loss.backward()
            optimizer.step()
        schedule.step()
    return model.eval()


def write_config(mean: float, std: float) -> None:
    (HERE / "model-config.yaml").write_text(
        f"""# Written by train.py. Top-level keys are TorchServe's model-config keys; the handler
# section is read by the image_classifier handler (see README.md).
minWorkers: 1
maxWorkers: 1
batchSize: 16
maxBatchDelay: 5
handler:
  grayscale: true
  resize: 28
  crop: 28
  mean: [{mean}]
  std: [{std}]
  softmax: true
  topk: 5
""",
        encoding="utf-8",
    )


def write_samples(canvases: np.ndarray, labels: np.ndarray) -> None:
    """The first held-out image of each digit, as a PNG named digit_<label>_<index in split>."""
    folder = HERE / "samples"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("digit_*.png"):
        old.unlink()
    for digit in range(10):
        index = int(np.flatnonzero(labels == digit)[0])
        Image.fromarray(canvases[index], mode="L").save(folder / f"digit_{digit}_{index}.png")


def main() -> None:
    generator = make_deterministic(SEED)
    digits = load_digits()
    canvases = np.stack([to_canvas(image) for image in digits.images])
    train_x, test_x, train_y, test_y = train_test_split(
        canvases, digits.target, test_size=TEST_FRACTION, stratify=digits.target, random_state=SEED
    )
    scaled = train_x / 255
    mean, std = round(float(scaled.mean()), 4), round(float(scaled.std()), 4)

    model = train(normalize(train_x, mean, std), torch.from_numpy(train_y), generator)
    with torch.no_grad():
        test_accuracy = accuracy(model(normalize(test_x, mean, std)), torch.from_numpy(test_y))

    export_onnx(model, torch.zeros(1, 1, SIZE, SIZE), HERE / "digits.onnx", "logits")
    write_config(mean, std)
    write_json(HERE / "index_to_name.json", {str(digit): str(digit) for digit in range(10)})
    write_json(
        HERE / "test_split.json",
        {
            "description": "Held-out 20 % of scikit-learn's load_digits(), stratified, seed 0.",
            "pixels": "28 rows per image, each a hex string of 28 uint8 pixels (00 background)",
            "preprocessing": f"x = (pixel / 255 - {mean}) / {std}, as float32 [batch, 1, 28, 28]",
            "accuracy": round(test_accuracy, 4),
            "samples": [
                {"label": int(label), "pixels": [row.tobytes().hex() for row in image]}
                for image, label in zip(test_x, test_y)
            ],
        },
    )
    write_samples(test_x, test_y)
    print(f"train {len(train_x)}, test {len(test_x)}, mean {mean}, std {std}")
    print(f"held-out accuracy {test_accuracy:.4f}")


if __name__ == "__main__":
    main()
