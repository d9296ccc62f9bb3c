export const SANDBOX_ACCOUNT_ID = "000000000000";

export function sandboxArn(region: string, resource: string): string {
  return `arn:aws:sms-voice:${region}:${SANDBOX_ACCOUNT_ID}:${resource}`;
}
