import type { TensorType } from '../../engine/index.js';

/** Open Inference Protocol datatype names and the element types they carry. */
const tensorTypeByDatatype: Readonly<Record<string, TensorType>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

export const datatypes = Object.keys(tensorTypeByDatatype);

export function tensorTypeOf(datatype: string): TensorType | undefined {
  return Object.hasOwn(tensorTypeByDatatype, datatype) ? tensorTypeByDatatype[datatype] : undefined;
}

const datatypeByTensorType: ReadonlyMap<TensorType, string> = new Map(
  Object.entries(tensorTypeByDatatype).map(([datatype, type]) => [type, datatype]),
);

export function datatypeOf(type: TensorType): string {
  return datatypeByTensorType.get(type) ?? type;
}
