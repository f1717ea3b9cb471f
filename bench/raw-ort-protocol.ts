/** Messages between the raw ONNX Runtime baseline and its worker threads. */
export interface RawWorkerData {
  readonly modelPath: string;
  readonly inputName: string;
  readonly width: number;
  readonly intraOpThreads: number;
}

export type ToWorker =
  | { readonly type: 'prepare'; readonly batch: number }
  | { readonly type: 'go'; readonly seconds: number }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'loaded' }
  | { readonly type: 'prepared' }
  | { readonly type: 'done'; readonly items: number; readonly seconds: number }
  | { readonly type: 'closed' };
