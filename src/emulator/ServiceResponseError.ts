/** An error answer the emulator sends as-is: the status, Azure's body for it, and any extra headers. */
export class ServiceResponseError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = 'ServiceResponseError';
  }

  /** The `{"error":{code,message,param,status}}` shape the model inference service uses for request errors. */
  static badRequest(
    message: string,
    param: string | null = null,
    code = 'invalid_request_error',
  ): ServiceResponseError {
    return new ServiceResponseError(400, { error: { code, message, param, status: 400 } });
  }
}
