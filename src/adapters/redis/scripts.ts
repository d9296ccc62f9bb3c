import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { loadLuaScript } from "./lua-source.ts";

export type RedisClient = Redis | Cluster;

const scriptFiles = {
  claimTransaction: "claim-transaction-1.lua",
  rememberCancellation: "remember-cancellation-1.lua",
  createVerification: "create-verification-5.lua",
  recordSent: "record-sent-2.lua",
  claimSend: "claim-send-2.lua",
  decide: "decide-5.lua",
  handleReply: "handle-reply-5.lua",
  markPublished: "mark-published-3.lua",
  keepClaim: "keep-claim-1.lua",
  readClaim: "read-claim-1.lua",
  adoptClaim: "adopt-claim-1.lua",
  setField: "set-field-1.lua",
  claimDue: "claim-due-17.lua",
  claimConfirmation: "claim-confirmation-2.lua",
  confirmationSent: "confirmation-sent-3.lua",
  clearOwedText: "clear-owed-text-1.lua",
  indexText: "index-text-1.lua",
  recordDelivery: "record-delivery-2.lua",
  claimFeedback: "claim-feedback-1.lua",
  takeSendParts: "take-send-parts-2.lua",
} as const;

export type ScriptName = keyof typeof scriptFiles;
type ScriptArgument = string | number;
export type Scripts = Record<ScriptName, (keys: string[], args: ScriptArgument[]) => Promise<unknown>>;

function keyCount(file: string): number {
  const match = /-(\d+)\.lua$/.exec(file);
  if (!match?.[1]) throw new Error(`script file ${file} must end with -<number of keys>.lua`);
  return Number(match[1]);
}

/**
 * Typed callers of every Lua script that check the key count. Each call is an EVALSHA; when Redis
 * does not know the script (a restart, a failover, SCRIPT FLUSH) it is sent once more with EVAL,
 * which loads it again. Not ioredis's `defineCommand`: ioredis copies every command defined that
 * way onto each pipeline it builds, and auto-pipelining builds one per tick. With this project's 20
 * scripts that copy was 20 % of the bytes the service promoted to V8's old generation at 100
 * replies/s (a sampling heap profile of objects that outlived a scavenge; README "Performance").
 */
export function registerScripts(client: RedisClient): Scripts {
  const callers = {} as Scripts;
  for (const [name, file] of Object.entries(scriptFiles) as Array<[ScriptName, string]>) {
    const lua = loadLuaScript(file);
    const numberOfKeys = keyCount(file);
    const sha = createHash("sha1").update(lua).digest("hex");
    callers[name] = async (keys, args) => {
      if (keys.length !== numberOfKeys) throw new Error(`script ${name} takes ${numberOfKeys} keys, got ${keys.length}`);
      try {
        return await client.evalsha(sha, numberOfKeys, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return client.eval(lua, numberOfKeys, ...keys, ...args);
      }
    };
  }
  return callers;
}
