// AWS JSON 1.0 framing as the SDK's AwsJson1_0Protocol expects it: the error
// code is read from `__type` (then `code`, then the x-amzn-errortype header)
// and every other top-level body field is copied onto the exception, so the
// modelled members (Message, Reason, Fields, ResourceType, ...) must be
// top-level and PascalCase.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export const TARGET_PREFIX = "PinpointSMSVoiceV2.";
export const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPE = "application/x-amz-json-1.0";

export type ErrorFields = Record<string, unknown>;

export class AwsJsonError extends Error {
  readonly status: number;
  readonly fields: ErrorFields;

  constructor(name: string, message: string, status = 400, fields: ErrorFields = {}) {
    super(message);
    this.name = name;
    this.status = status;
    this.fields = fields;
  }
}

export function validationError(
  reason: string,
  message: string,
  field?: { name: string; message: string },
): AwsJsonError {
  const fields: ErrorFields = { Reason: reason };
  if (field) fields["Fields"] = [{ Name: field.name, Message: field.message }];
  return new AwsJsonError("ValidationException", message, 400, fields);
}

export function resourceNotFound(resourceType: string, resourceId: string): AwsJsonError {
  return new AwsJsonError("ResourceNotFoundException", `${resourceType} ${resourceId} does not exist`, 400, {
    ResourceType: resourceType,
    ResourceId: resourceId,
  });
}

export function operationFromTarget(target: string | string[] | undefined): string {
  const value = Array.isArray(target) ? target[0] : target;
  if (value === undefined || !value.startsWith(TARGET_PREFIX)) {
    throw new AwsJsonError("UnknownOperationException", `Unknown x-amz-target: ${value ?? "(missing)"}`);
  }
  return value.slice(TARGET_PREFIX.length);
}

// Stops buffering past `limit` bytes but still reads (and drops) the rest of
// the body, so the 413 reaches a client that is still sending instead of a
// connection reset. The server's requestTimeout bounds how long that lasts.
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = Number(req.headers["content-length"] ?? 0) > limit ? Number.POSITIVE_INFINITY : 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => {
      if (size <= limit) {
        resolve(Buffer.concat(chunks).toString("utf8"));
        return;
      }
      reject(
        new AwsJsonError("ValidationException", `Request body exceeds ${limit} bytes`, 413, {
          Reason: "MAXIMUM_SIZE_EXCEEDED",
        }),
      );
    });
    req.on("error", reject);
  });
}

export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationError("CANNOT_PARSE", "Request body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw validationError("CANNOT_PARSE", "Request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(payload);
}

export function writeError(res: ServerResponse, error: AwsJsonError): void {
  const body = { __type: error.name, Message: error.message, ...error.fields };
  writeJson(res, error.status, body, { "x-amzn-errortype": error.name });
}
