import { describe, expect, it } from "vitest";
import { parseProvisionArgs, UsageError } from "../../provision/args.ts";

describe("parseProvisionArgs", () => {
  it("reads every option, keywords repeatable", () => {
    expect(
      parseProvisionArgs([
        "--phone-number", "+18885550100",
        "--kms-key", "new",
        "--channel-role", "arn:aws:iam::111122223333:role/sms",
        "--keyword", "JOIN=Welcome = glad to have you",
        "--keyword", "HELP=Fraud alerts",
        "--prefix", "acme-",
        "--dry-run",
      ]),
    ).toEqual({
      phoneNumber: "+18885550100",
      kmsKey: "new",
      channelRole: "arn:aws:iam::111122223333:role/sms",
      keywords: [
        { keyword: "JOIN", message: "Welcome = glad to have you" },
        { keyword: "HELP", message: "Fraud alerts" },
      ],
      prefix: "acme-",
      dryRun: true,
    });
  });

  it("defaults: no keywords, no prefix, a real run", () => {
    expect(parseProvisionArgs(["--phone-number", "phone-01"])).toEqual({ phoneNumber: "phone-01", keywords: [], prefix: "", dryRun: false });
  });

  it.each([
    [[], /--phone-number is required/],
    [["--phone-number", "x", "--keyword", "JOIN"], /expected WORD=response/],
    [["--phone-number", "x", "--keyword", "=hi"], /expected WORD=response/],
    [["--phone-number", "x", "--keyword", "JOIN=a", "--keyword", "join=b"], /given twice/],
    [["--phone-number", "x", "--prefix", "bad prefix"], /--prefix/],
    [["--phone-number", "x", "--topic-arn", "my-topic"], /SNS topic ARN/],
    [["--phone-number", "x", "--topic-arn", "arn:aws:sns:us-east-1:111122223333:t", "--kms-key", "new"], /existing topic keeps its own key/],
    [["--phone-number", "x", "--surprise"], /surprise/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseProvisionArgs(argv)).toThrow(UsageError);
    expect(() => parseProvisionArgs(argv)).toThrow(message);
  });

  it("answers help", () => {
    expect(parseProvisionArgs(["--help"])).toBe("help");
  });
});
