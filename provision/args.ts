import { parseArgs } from "node:util";
import { isValidPrefix } from "./names.ts";

export interface KeywordRequest {
  keyword: string;
  message: string;
}

export interface ProvisionOptions {
  /** Phone number id, ARN or E.164 number. */
  phoneNumber: string;
  /** An existing two-way topic to use instead of creating one. */
  topicArn?: string;
  /** Key id, ARN or alias of an existing key, or "new" for a key the provisioner creates and owns. */
  kmsKey?: string;
  /** IAM role the SMS service assumes to publish (TwoWayChannelRole), for accounts that require one. */
  channelRole?: string;
  keywords: KeywordRequest[];
  prefix: string;
  dryRun: boolean;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `usage: npm run provision -- --phone-number <id|arn|E.164> [options]

  --phone-number <id|arn|E.164>  the dedicated number that receives the replies (SMS enabled)
  --topic-arn <arn>              use this existing standard SNS topic for incoming messages
                                 (default: create <prefix>two-way-sms with the SMS service's permission)
  --kms-key <id|arn|alias|new>   encrypt the created two-way topic and the sms-events topic with this
                                 symmetric key; "new" creates (once) a key aliased alias/<prefix>two-way-sms
                                 (with --topic-arn, the sms-events topic takes that topic's key)
  --channel-role <role arn>      TwoWayChannelRole, when the account requires the SMS service to use a role
  --keyword WORD=response        register a keyword and its automatic response (repeatable)
  --prefix <prefix>              prefix of every resource name (default: none)
  --dry-run                      print the plan (create / keep / change per resource), change nothing
  --help`;

function keywordOf(value: string): KeywordRequest {
  const at = value.indexOf("=");
  const keyword = at < 0 ? "" : value.slice(0, at).trim();
  const message = at < 0 ? "" : value.slice(at + 1).trim();
  if (!keyword || !message) throw new UsageError(`--keyword ${value}: expected WORD=response`);
  if (keyword.length > 30) throw new UsageError(`--keyword ${keyword}: a keyword has at most 30 characters`);
  if (message.length > 1600) throw new UsageError(`--keyword ${keyword}: the response has at most 1600 characters`);
  return { keyword, message };
}

/** Parses the command line; throws UsageError (with the problem) for anything wrong, "help" for --help. */
export function parseProvisionArgs(argv: string[]): ProvisionOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "phone-number": { type: "string" },
        "topic-arn": { type: "string" },
        "kms-key": { type: "string" },
        "channel-role": { type: "string" },
        keyword: { type: "string", multiple: true },
        prefix: { type: "string", default: "" },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return "help";
  const phoneNumber = values["phone-number"];
  if (!phoneNumber) throw new UsageError("--phone-number is required");
  if (!isValidPrefix(values.prefix)) throw new UsageError("--prefix must be 0-40 characters of [A-Za-z0-9_-]");
  const topicArn = values["topic-arn"];
  if (topicArn !== undefined && !topicArn.startsWith("arn:")) throw new UsageError("--topic-arn must be an SNS topic ARN");
  if (topicArn !== undefined && values["kms-key"] !== undefined) {
    throw new UsageError("--kms-key encrypts the two-way topic this command creates; an existing topic keeps its own key (checked), which the sms-events topic then uses too");
  }
  const keywords = (values.keyword ?? []).map(keywordOf);
  const duplicate = keywords.find((k, i) => keywords.findIndex((o) => o.keyword.toUpperCase() === k.keyword.toUpperCase()) !== i);
  if (duplicate) throw new UsageError(`--keyword ${duplicate.keyword} is given twice`);
  return {
    phoneNumber,
    ...(topicArn === undefined ? {} : { topicArn }),
    ...(values["kms-key"] === undefined ? {} : { kmsKey: values["kms-key"] }),
    ...(values["channel-role"] === undefined ? {} : { channelRole: values["channel-role"] }),
    keywords,
    prefix: values.prefix,
    dryRun: values["dry-run"],
  };
}
