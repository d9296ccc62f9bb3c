// A tiny AWS KMS over its real wire protocol (awsJson1_1, x-amz-target TrentService.<Op>), so the
// provisioner's @aws-sdk/client-kms calls run for real: CreateKey, CreateAlias, DescribeKey,
// GetKeyPolicy, PutKeyPolicy. Keys are metadata and a policy; nothing is encrypted.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const ACCOUNT = "000000000000";

export interface StubKey {
  KeyId: string;
  Arn: string;
  AWSAccountId: string;
  KeySpec: string;
  KeyUsage: string;
  KeyManager: "CUSTOMER" | "AWS";
  KeyState: string;
  Enabled: boolean;
  Description: string;
  CreationDate: number;
  policy: string;
}

export interface NewStubKey {
  keySpec?: string;
  keyUsage?: string;
  keyManager?: "CUSTOMER" | "AWS";
  policy?: string;
  alias?: string;
}

export interface KmsStub {
  url: string;
  keys(): StubKey[];
  addKey(key?: NewStubKey): StubKey;
  aliasTarget(alias: string): string | undefined;
  readonly requests: Array<{ operation: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

class KmsError extends Error {
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

function rootPolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
  });
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      try {
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

export async function startKmsStub(region = "us-east-1"): Promise<KmsStub> {
  const keys = new Map<string, StubKey>();
  const aliases = new Map<string, string>();
  const requests: KmsStub["requests"] = [];

  const addKey = (key: NewStubKey = {}): StubKey => {
    const id = randomUUID();
    const created: StubKey = {
      KeyId: id,
      Arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`,
      AWSAccountId: ACCOUNT,
      KeySpec: key.keySpec ?? "SYMMETRIC_DEFAULT",
      KeyUsage: key.keyUsage ?? "ENCRYPT_DECRYPT",
      KeyManager: key.keyManager ?? "CUSTOMER",
      KeyState: "Enabled",
      Enabled: true,
      Description: "",
      CreationDate: Math.floor(Date.now() / 1000),
      policy: key.policy ?? rootPolicy(),
    };
    keys.set(id, created);
    if (key.alias) aliases.set(key.alias, id);
    return created;
  };

  const resolve = (keyId: unknown): StubKey => {
    if (typeof keyId !== "string" || keyId === "") throw new KmsError("ValidationException", "KeyId is required");
    const aliasName = keyId.startsWith("alias/") ? keyId : /^arn:aws:kms:[^:]+:\d+:(alias\/.+)$/.exec(keyId)?.[1];
    const id = aliasName ? aliases.get(aliasName) : keyId.replace(/^arn:aws:kms:[^:]+:\d+:key\//, "");
    const key = id === undefined ? undefined : keys.get(id);
    if (!key) throw new KmsError("NotFoundException", `Key '${keyId}' does not exist`);
    return key;
  };

  const metadata = ({ policy: _policy, ...rest }: StubKey) => rest;

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateKey: (body) => {
      const policy = typeof body["Policy"] === "string" ? body["Policy"] : undefined;
      const key = addKey({
        ...(typeof body["KeySpec"] === "string" ? { keySpec: body["KeySpec"] } : {}),
        ...(typeof body["KeyUsage"] === "string" ? { keyUsage: body["KeyUsage"] } : {}),
        ...(policy === undefined ? {} : { policy }),
      });
      return { KeyMetadata: metadata(key) };
    },
    CreateAlias: (body) => {
      const name = body["AliasName"];
      if (typeof name !== "string" || !name.startsWith("alias/")) throw new KmsError("ValidationException", "AliasName must start with alias/");
      if (aliases.has(name)) throw new KmsError("AlreadyExistsException", `An alias with the name ${name} already exists`);
      aliases.set(name, resolve(body["TargetKeyId"]).KeyId);
      return {};
    },
    DescribeKey: (body) => ({ KeyMetadata: metadata(resolve(body["KeyId"])) }),
    GetKeyPolicy: (body) => ({ Policy: resolve(body["KeyId"]).policy, PolicyName: "default" }),
    PutKeyPolicy: (body) => {
      const key = resolve(body["KeyId"]);
      if (key.KeyManager === "AWS") throw new KmsError("AccessDeniedException", "AWS managed key policies cannot be changed");
      if (typeof body["Policy"] !== "string") throw new KmsError("ValidationException", "Policy is required");
      key.policy = body["Policy"];
      return {};
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.replace(/^TrentService\./, "");
      try {
        const body = await readJson(req);
        requests.push({ operation, body });
        const run = operations[operation];
        if (!run) throw new KmsError("UnsupportedOperationException", `${operation} is not implemented by the stub`);
        reply(res, 200, run(body));
      } catch (error) {
        const type = error instanceof KmsError ? error.type : "KMSInternalException";
        reply(res, type === "KMSInternalException" ? 500 : 400, { __type: type, message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys: () => [...keys.values()],
    addKey,
    aliasTarget: (alias) => aliases.get(alias),
    requests,
    close: () =>
      new Promise((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      }),
  };
}
