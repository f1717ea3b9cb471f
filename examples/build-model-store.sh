#!/usr/bin/env bash
# Packs the example models into examples/model_store with the project's own archiver.
# Run after retraining (npm run build first): bash examples/build-model-store.sh
set -euo pipefail
cd "$(dirname "$0")"
archiver="node ../dist/src/archiver/main.js"
$archiver --model-name digits --version 1.0 --serialized-file digits/digits.onnx \
  --handler image_classifier --extra-files digits/index_to_name.json \
  --config-file digits/model-config.yaml --export-path model_store --force
$archiver --model-name iris --version 1.0 --serialized-file iris/iris.onnx \
  --handler tabular --extra-files iris/index_to_name.json \
  --config-file iris/model-config.yaml --export-path model_store --force
