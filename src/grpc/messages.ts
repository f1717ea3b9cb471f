// The proto messages as @grpc/proto-loader decodes them (`keepCase`, `defaults`): snake_case
// fields, proto3 defaults for absent scalars, bytes as Buffers, unset `optional` fields undefined.

export interface PredictionsRequest {
  readonly model_name: string;
  readonly model_version: string;
  /** Bytes by name; an entry sent without a value decodes as an empty array. */
  readonly input: Readonly<Record<string, Buffer | readonly never[]>>;
  readonly sequence_id?: string;
}

/** google.rpc.Status: a gRPC status code and its message. */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
  readonly details: readonly never[];
}

export interface PredictionResponse {
  readonly prediction?: Buffer;
  readonly sequence_id?: string;
  readonly status?: RpcStatus;
}

export interface HealthResponse {
  readonly health: string;
}

export interface ManagementResponse {
  readonly msg: string;
}

export interface DescribeModelRequest {
  readonly model_name: string;
  readonly model_version: string;
  readonly customized: boolean;
}

export interface ListModelsRequest {
  readonly limit: number;
  readonly next_page_token: number;
}

export interface RegisterModelRequest {
  readonly batch_size: number;
  readonly handler: string;
  readonly initial_workers: number;
  readonly max_batch_delay: number;
  readonly model_name: string;
  readonly response_timeout: number;
  readonly runtime: string;
  readonly synchronous: boolean;
  readonly url: string;
  readonly s3_sse_kms: boolean;
  readonly startup_timeout: number;
}

export interface ScaleWorkerRequest {
  readonly model_name: string;
  readonly model_version: string;
  readonly max_worker: number;
  readonly min_worker: number;
  readonly number_gpu: number;
  readonly synchronous: boolean;
  readonly timeout: number;
}

export interface SetDefaultRequest {
  readonly model_name: string;
  readonly model_version: string;
}

export interface UnregisterModelRequest {
  readonly model_name: string;
  readonly model_version: string;
}
