// A small HTTP surface for driving the sandbox from outside its process (the compose stack's smoke
// test): read what was sent to a handset, and text the sandbox from a handset.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HandsetMessageError } from "./handset-message.ts";
import type { HandsetMessage } from "./handset-message.ts";
import { parseJsonObject, readBody, writeJson } from "./protocol.ts";
import type { ReceivedSms } from "./received-messages.ts";
import type { SentSms } from "./sent-messages.ts";

export const CONTROL_PREFIX = "/_sandbox/";

export interface ControlTarget {
  readonly sent: readonly SentSms[];
  receiveFromHandset(message: HandsetMessage): Promise<ReceivedSms>;
}

/** GET /_sandbox/sent?to=+E164 lists the SMS sent to that number; POST /_sandbox/handset {from, body, to?}. */
export async function handleControl(req: IncomingMessage, res: ServerResponse, sandbox: ControlTarget): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox");
  if (req.method === "GET" && url.pathname === `${CONTROL_PREFIX}sent`) {
    const to = url.searchParams.get("to");
    const sent = sandbox.sent.filter((sms) => to === null || sms.destinationPhoneNumber === to);
    writeJson(res, 200, { sent });
    return;
  }
  if (req.method === "POST" && url.pathname === `${CONTROL_PREFIX}handset`) {
    const body = parseJsonObject(await readBody(req));
    try {
      const received = await sandbox.receiveFromHandset(body as unknown as HandsetMessage);
      writeJson(res, 200, { payload: received.payload });
    } catch (error) {
      if (!(error instanceof HandsetMessageError)) throw error;
      writeJson(res, 400, { error: error.message });
    }
    return;
  }
  writeJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
}
