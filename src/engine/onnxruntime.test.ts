import { engineContract } from './engine.contract.js';
import { createOnnxRuntimeEngine } from './onnxruntime.js';

engineContract('ONNX Runtime', createOnnxRuntimeEngine);
